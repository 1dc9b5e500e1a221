// Some properties of the live nodes of $ids (ReadProps), in one record:
// one row per live node, [id, its $names[0], its $names[1], …], $names being
// the stored names of the properties asked for (a property p of
// Node.Props is stored as p or, JSON-encoded, as _json_p: encodeProps).
// One record rather than one per node, as expand_*_levels: Bolt's cost per
// record is most of the server's work on small rows. Each node's
// properties are read once, as a map (properties(n)), and the names looked
// up in it: n[k] reads the node's property chain for each name, to its end
// when the node has none of that name (most names on most nodes: a page
// asks for every type's fields), a quarter more db hits for a genealogy.
UNWIND $ids AS id
MATCH (n:Node {id: id}) USING INDEX n:Node(id)
WITH properties(n) AS p
WHERE p._voided IS NULL
RETURN collect([p.id] + [k IN $names | p[k]]) AS rows
