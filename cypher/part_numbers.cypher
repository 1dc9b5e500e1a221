// The part numbers of live nodes (the finished products of a where-used
// question). $ids: node ids.
UNWIND $ids AS id
MATCH (n:Node {id: id}) USING INDEX n:Node(id)
WHERE n._voided IS NULL
RETURN n.id AS id, n.partNumber AS partNumber
