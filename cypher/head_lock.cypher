// Starts every write transaction: takes the write lock on the head (so
// writers run one after another) and only then reads it.
MERGE (m:Meta {id: 'head'})
  ON CREATE SET m.seq = 0, m.hash = ''
SET m.lock = true
WITH m
RETURN m.seq AS seq, m.hash AS hash, m.recordedAt AS recordedAt
