MATCH (h:Hold {id: $id})<-[:HAS_HOLD]-(n:Node) USING INDEX h:Hold(id)
RETURN n.id AS id
ORDER BY id
