// Ends every write transaction: the new head.
MATCH (m:Meta {id: 'head'})
SET m.seq = $seq, m.hash = $hash
REMOVE m.lock
RETURN m.seq AS seq
