// A hold is named by its id (HoldChange.HoldID): one :Hold node per id.
CREATE CONSTRAINT hold_id IF NOT EXISTS
FOR (h:Hold) REQUIRE h.id IS UNIQUE
