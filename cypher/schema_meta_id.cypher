// The singleton :Meta {id: 'head'} holds the log's head.
CREATE CONSTRAINT meta_id IF NOT EXISTS
FOR (m:Meta) REQUIRE m.id IS UNIQUE
