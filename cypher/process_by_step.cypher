// Process records of a step ($value) recorded in [$from, $to)
// (null: open), each with the live units it applies to. The question's
// other criteria are checked in Go (tracegraph.ProcessQuery.Match on the decoded
// node).
MATCH (p:ProcessStep {step: $value}) USING INDEX p:ProcessStep(step)
WHERE ($from IS NULL OR datetime(p.at) >= datetime($from)) AND ($to IS NULL OR datetime(p.at) < datetime($to))
MATCH (u:Unit)-[r:PROCESSED_BY]->(p)
WHERE r.voided = false
RETURN p.id AS id, properties(p) AS props, collect(u.id) AS units
