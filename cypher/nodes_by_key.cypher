// The nodes with these keys, under any label: the live ones with their
// holds (the rows of node_get for every id Label:key), and the voided ones
// flagged voided, without props (a key with no row has no node at all).
// $batch.keys: node keys.
UNWIND $batch.keys AS key
MATCH (n:Node {key: key}) USING INDEX n:Node(key)
WITH n, n._voided IS NOT NULL AS voided
RETURN
  n.id AS id,
  voided,
  CASE WHEN voided THEN null ELSE properties(n) END AS props,
  CASE WHEN voided THEN [] ELSE [(n)-[r:HAS_HOLD]->(h:Hold) |
    {id: h.id, source: h.source, reason: h.reason, since: h.since, event: h.event, by: h.by, seq: r.seq, ord: r.ord}] END AS holds
