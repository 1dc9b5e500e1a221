CREATE INDEX unit_work_order IF NOT EXISTS
FOR (u:Unit) ON (u.workOrder)
