// A hold is named by the id of its hold.placed event.
CREATE CONSTRAINT hold_id IF NOT EXISTS
FOR (h:Hold) REQUIRE h.id IS UNIQUE
