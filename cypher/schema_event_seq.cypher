// An event's seq is its place in the log.
CREATE CONSTRAINT event_seq IF NOT EXISTS
FOR (e:Event) REQUIRE e.seq IS UNIQUE
