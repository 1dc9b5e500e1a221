// Ends every write transaction: the new head.
MATCH (m:Meta {id: 'head'}) USING INDEX m:Meta(id)
SET m.seq = $seq, m.hash = $hash
REMOVE m.lock
RETURN m.seq AS seq
