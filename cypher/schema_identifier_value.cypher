// Lookups by value alone, any scheme.
CREATE INDEX identifier_value IF NOT EXISTS
FOR (i:Identifier) ON (i.value)
