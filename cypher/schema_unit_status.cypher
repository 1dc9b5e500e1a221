CREATE INDEX unit_status IF NOT EXISTS
FOR (u:Unit) ON (u.status)
