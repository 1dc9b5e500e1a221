MATCH (e:Event)
WHERE e.seq > $after
RETURN e.record AS record
ORDER BY e.seq
LIMIT $limit
