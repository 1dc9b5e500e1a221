// Ends every write transaction: the new head (its last event's seq, hash
// and record time).
MATCH (m:Meta {id: 'head'}) USING INDEX m:Meta(id)
SET m.seq = $seq, m.hash = $hash, m.recordedAt = $recordedAt
REMOVE m.lock
RETURN m.seq AS seq
