CREATE INDEX component_part_number IF NOT EXISTS
FOR (c:Component) ON (c.partNumber)
