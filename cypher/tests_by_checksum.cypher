// Test records run with a firmware checksum ($value) recorded in [$from, $to)
// (null: open), each with the live units it applies to. The question's
// other criteria are checked in Go (tracegraph.TestQuery.Match on the decoded
// node).
MATCH (t:TestRun {_fw_checksum: $value}) USING INDEX t:TestRun(_fw_checksum)
WHERE ($from IS NULL OR datetime(t.at) >= datetime($from)) AND ($to IS NULL OR datetime(t.at) < datetime($to))
MATCH (u:Unit)-[r:TESTED_BY]->(t)
WHERE r.voided = false
RETURN t.id AS id, properties(t) AS props, collect(u.id) AS units
