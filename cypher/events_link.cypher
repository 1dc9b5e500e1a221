// The node → event index behind NodeEvents. $batch.rows: [{node, seq}], distinct.
UNWIND $batch.rows AS row
MATCH (e:Event {seq: row.seq}) USING INDEX e:Event(seq)
MATCH (n:Node {id: row.node}) USING INDEX n:Node(id)
CREATE (e)-[c:CHANGED]->(n)
RETURN count(c) AS n
