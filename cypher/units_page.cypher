// Units: one page in the order units were first recorded (_seq, _ord),
// after the cursor ($afterSeq, $afterOrd; 0, -1 for the first page). Null
// filters match everything.
MATCH (n:Unit)
WHERE (n._seq > $afterSeq OR (n._seq = $afterSeq AND n._ord > $afterOrd))
  AND n.key STARTS WITH $prefix
  AND ($partNumber IS NULL OR n.partNumber = $partNumber)
  AND ($workOrder IS NULL OR n.workOrder = $workOrder)
  AND ($status IS NULL OR n.status = $status)
  AND ($onHold IS NULL OR EXISTS { (n)-[:HAS_HOLD]->(:Hold) } = $onHold)
  AND ($createdFrom IS NULL OR datetime(n.createdAt) >= datetime($createdFrom))
  AND ($createdTo IS NULL OR datetime(n.createdAt) < datetime($createdTo))
RETURN
  n.id AS id,
  n._seq AS seq,
  n._ord AS ord,
  properties(n) AS props,
  [(n)-[r:HAS_HOLD]->(h:Hold) |
    {id: h.id, source: h.source, reason: h.reason, since: h.since, seq: r.seq, ord: r.ord}] AS holds
ORDER BY n._seq, n._ord
LIMIT $limit
