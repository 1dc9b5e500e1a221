// Appends sealed events. $batch.events: [{id, seq, type, time, recordedAt, hash,
// prevHash, record}], record being the canonical JSON that is hashed.
UNWIND $batch.events AS e
CREATE (ev:Event {
  id: e.id,
  seq: e.seq,
  type: e.type,
  time: e.time,
  recordedAt: e.recordedAt,
  hash: e.hash,
  prevHash: e.prevHash,
  record: e.record
})
RETURN count(ev) AS n
