// Live nodes with these keys, under any label, with their holds (the rows
// of node_get for every id Label:key). $batch.keys: node keys.
UNWIND $batch.keys AS key
MATCH (n:Node {key: key}) USING INDEX n:Node(key)
WHERE n._voided IS NULL
RETURN
  n.id AS id,
  properties(n) AS props,
  [(n)-[r:HAS_HOLD]->(h:Hold) |
    {id: h.id, source: h.source, reason: h.reason, since: h.since, event: h.event, by: h.by, seq: r.seq, ord: r.ord}] AS holds
