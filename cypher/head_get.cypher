OPTIONAL MATCH (m:Meta {id: 'head'})
RETURN coalesce(m.seq, 0) AS seq, coalesce(m.hash, '') AS hash
