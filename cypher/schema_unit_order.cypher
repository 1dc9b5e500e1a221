// Units in the order they were first recorded, for Units' pages.
CREATE INDEX unit_order IF NOT EXISTS
FOR (u:Unit) ON (u._seq, u._ord)
