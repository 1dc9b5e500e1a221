// Some properties of the live nodes of $ids (ReadProps), in one record:
// one row per live node, [id, n[$names[0]], n[$names[1]], …], $names being
// the stored names of the properties asked for (a property p of
// Node.Props is stored as p or, JSON-encoded, as _json_p: encodeProps).
// One record rather than one per node, as expand_*_levels: Bolt's cost per
// record is most of the server's work on small rows.
UNWIND $ids AS id
MATCH (n:Node {id: id}) USING INDEX n:Node(id)
WHERE n._voided IS NULL
RETURN collect([n.id] + [k IN $names | n[k]]) AS rows
