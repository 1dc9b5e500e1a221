// The events that changed a node, oldest first; a voided node keeps its own.
MATCH (n:Node {id: $id})<-[:CHANGED]-(e:Event) USING INDEX n:Node(id)
RETURN e.record AS record
ORDER BY e.seq
