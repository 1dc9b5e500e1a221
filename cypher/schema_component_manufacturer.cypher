CREATE INDEX component_manufacturer IF NOT EXISTS
FOR (n:Component) ON (n.manufacturer)
