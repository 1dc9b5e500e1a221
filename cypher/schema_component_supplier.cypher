CREATE INDEX component_supplier IF NOT EXISTS
FOR (n:Component) ON (n.supplier)
