// OpAddHold. $batch.rows: [{node, id, source, reason, since, event, by, seq, ord}];
// seq and ord keep the order in which holds reached the node. A hold id
// freed by a release may name a later hold: the record is the latest one.
UNWIND $batch.rows AS row
MATCH (n:Node {id: row.node}) USING INDEX n:Node(id)
MERGE (h:Hold {id: row.id})
SET h.source = row.source, h.reason = row.reason, h.since = row.since, h.event = row.event, h.by = row.by
MERGE (n)-[r:HAS_HOLD]->(h)
SET r.seq = row.seq, r.ord = row.ord
RETURN count(r) AS n
