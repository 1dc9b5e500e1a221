CREATE INDEX unit_part_number IF NOT EXISTS
FOR (u:Unit) ON (u.partNumber)
