// Units: how many match the filter (parameters as in units_page.cypher).
MATCH (n:Unit)
WHERE n.key STARTS WITH $prefix
  AND ($partNumber IS NULL OR n.partNumber = $partNumber)
  AND ($workOrder IS NULL OR n.workOrder = $workOrder)
  AND ($status IS NULL OR n.status = $status)
  AND ($onHold IS NULL OR EXISTS { (n)-[:HAS_HOLD]->(:Hold) } = $onHold)
  AND ($createdFrom IS NULL OR datetime(n.createdAt) >= datetime($createdFrom))
  AND ($createdTo IS NULL OR datetime(n.createdAt) < datetime($createdTo))
RETURN count(n) AS n
