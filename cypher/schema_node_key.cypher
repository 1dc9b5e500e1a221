// Every graph node's key, whatever its label: the write path's prefetch
// looks a bare code up once (nodes_by_key) rather than once per label. The
// same key under several labels is legal: this index is not unique.
CREATE INDEX node_key IF NOT EXISTS
FOR (n:Node) ON (n.key)
