// OpRemoveHold. $batch.rows: [{node, id}]. The :Hold node stays as the record.
// Both ends are sought first, and the relationship found between them in a
// subquery, where the planner cannot expand every node a hold reaches (it
// may reach thousands) to find the one of a row.
UNWIND $batch.rows AS row
MATCH (n:Node {id: row.node}) USING INDEX n:Node(id)
MATCH (h:Hold {id: row.id}) USING INDEX h:Hold(id)
CALL (n, h) {
  MATCH (n)-[r:HAS_HOLD]->(h)
  DELETE r
  RETURN count(r) AS removed
}
RETURN sum(removed) AS n
