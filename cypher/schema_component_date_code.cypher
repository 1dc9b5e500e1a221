CREATE INDEX component_date_code IF NOT EXISTS
FOR (n:Component) ON (n.dateCode)
