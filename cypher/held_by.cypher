MATCH (:Hold {id: $id})<-[:HAS_HOLD]-(n:Node)
RETURN n.id AS id
ORDER BY id
