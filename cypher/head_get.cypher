OPTIONAL MATCH (m:Meta {id: 'head'}) USING INDEX m:Meta(id)
RETURN coalesce(m.seq, 0) AS seq, coalesce(m.hash, '') AS hash
