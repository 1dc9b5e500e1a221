CREATE INDEX component_mpn IF NOT EXISTS
FOR (n:Component) ON (n.mpn)
