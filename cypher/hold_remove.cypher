// OpRemoveHold. $rows: [{node, id}]. The :Hold node stays as the record.
UNWIND $rows AS row
MATCH (n:Node {id: row.node})-[r:HAS_HOLD]->(:Hold {id: row.id})
DELETE r
RETURN count(*) AS n
