// Every graph node carries :Node and its global ID ("Label:key"); reads by
// ID go through this constraint's index.
CREATE CONSTRAINT node_id IF NOT EXISTS
FOR (n:Node) REQUIRE n.id IS UNIQUE
