// Live nodes by id, with their holds. $ids: node ids.
UNWIND $ids AS id
MATCH (n:Node {id: id}) USING INDEX n:Node(id)
WHERE n._voided IS NULL
RETURN
  n.id AS id,
  properties(n) AS props,
  [(n)-[r:HAS_HOLD]->(h:Hold) |
    {id: h.id, source: h.source, reason: h.reason, since: h.since, event: h.event, by: h.by, seq: r.seq, ord: r.ord}] AS holds
