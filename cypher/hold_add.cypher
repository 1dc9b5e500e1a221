// OpAddHold. $rows: [{node, id, source, reason, since, seq, ord}]; seq and
// ord keep the order in which holds reached the node.
UNWIND $rows AS row
MATCH (n:Node {id: row.node})
MERGE (h:Hold {id: row.id})
  ON CREATE SET h.source = row.source, h.reason = row.reason, h.since = row.since
MERGE (n)-[r:HAS_HOLD]->(h)
SET r.seq = row.seq, r.ord = row.ord
RETURN count(r) AS n
