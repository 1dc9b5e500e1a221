MATCH (e:Event) USING INDEX e:Event(seq)
WHERE e.seq > $after
RETURN e.record AS record
ORDER BY e.seq
LIMIT $limit
