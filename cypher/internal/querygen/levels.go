package querygen

import (
	"fmt"
	"strings"
)

// ExpandLevels is how many levels of a traversal one expand_*_levels query
// can expand.
const ExpandLevels = 6

// LevelsSets are the sets of relationship types an expand_*_levels query
// follows, by the name its file ends with: the pattern names them (a
// parameter cannot), and only these sets have a query: every type (traces),
// CONTAINS (explode) and the structural types (recalls).
var LevelsSets = map[string][]string{
	"all":        nil,
	"contains":   {"CONTAINS"},
	"structural": {"CONTAINS", "CONSUMED", "DERIVED_FROM"},
}

// levelsDir is one direction of the expand_*_levels queries: how the
// frontier node f reaches the node o at the other end of an edge r.
type levelsDir struct {
	file, doc, pattern string
}

var levelsDirs = []levelsDir{
	{"expand_out_levels_", "upstream (edges out of each node)", "(f)-[r:%s]->(o:Node)"},
	{"expand_in_levels_", "downstream (edges into each node)", "(f)<-[r:%s]-(o:Node)"},
}

// renderLevels writes the expand_*_levels queries: up to ExpandLevels
// frontiers of a traversal in one query, each level one block (Cypher
// has no loop that carries a set from one step to the next).
func renderLevels(out map[string][]byte, all []string) {
	for _, d := range levelsDirs {
		for set, types := range LevelsSets {
			if types == nil {
				types = all
			}
			out[d.file+set+".cypher"] = levelsQuery(d, types)
		}
	}
}

func levelsQuery(d levelsDir, types []string) []byte {
	{
		var b strings.Builder
		b.WriteString(Header)
		fmt.Fprintf(&b, `// Up to $levels frontiers of a traversal %s
// along %s, in one query, for the frontiers of a walk that
// are small. Level 1 is the frontier $ids; level k+1 is the nodes level k
// reached that no level of this query has expanded yet, expanded only while
// k < $levels and they are at most $wide (then the levels after it are
// empty too). Edges and nodes pass the filters of expand_out.cypher
// ($precisions, $history, $asOf; never a voided edge or node), $lean and
// $holds as there. The rows of all records: one per edge followed, in no order,
// [from, type, rel, other, label, status, held] (other the node at the
// edge's other end; label, status and held its); one for each node of
// level 1, [from, null, null, null, label, status, held, true] (a walk's
// start nodes: its label when it is live, its status and whether it is
// held); and one with a null type for each node of a later level that has
// no edge: every node this query expanded is a "from", with all its edges.
// Records of up to $chunk rows rather than a row per edge: Bolt's cost per
// record is most of the server's work on small rows, and a client holds one
// record at a time. $orders: the first record's orders lists the FOR_ORDER
// relationships out of every Unit this query expanded, recorded at any time
// and not voided, to a live node, as [unit, eid, order, label] (a recall's
// rollup reads them here instead of seeking every unit again); else null,
// as on the records after the first.
UNWIND $ids AS id
MATCH (f:Node {id: id}) USING INDEX f:Node(id)
%sWITH collect([f, r, o, rel, held]) AS p, collect(DISTINCT f) AS s
WITH [x IN p WHERE x[1] IS NOT NULL] + [n IN s | [n, CASE WHEN $holds THEN EXISTS { (n)-[:HAS_HOLD]->(:Hold) } END]] AS h, s, p
`, d.doc, strings.Join(types, ", "), hopsBlock(d, types, ""))
		for k := 2; k <= ExpandLevels; k++ {
			fmt.Fprintf(&b, `// level %d
CALL (p) {
  UNWIND p AS x
  WITH DISTINCT x[2] AS n WHERE n IS NOT NULL
  RETURN collect(n) AS d
}
WITH h, s, [n IN d WHERE NOT n IN s] AS next
CALL (next) {
  WITH next WHERE $levels >= %d AND size(next) <= $wide
  UNWIND next AS f
%s  RETURN collect([f, r, o, rel, held]) AS p
}
WITH h + p AS h, CASE WHEN size(p) = 0 THEN s ELSE s + next END AS s, p
`, k, k, hopsBlock(d, types, "  "))
		}
		b.WriteString(`// the work orders of the units expanded
CALL (s) {
  WITH s WHERE $orders
  UNWIND s AS u
  MATCH (u:Unit)-[r:FOR_ORDER]->(o:Node)
  WHERE r.voided = false AND o._voided IS NULL
  RETURN collect([u.id, r.eid, o.id, o._label]) AS orders
}
WITH [x IN h | CASE WHEN size(x) = 2
  THEN [x[0].id, null, null, null, CASE WHEN x[0]._voided IS NULL THEN x[0]._label END, x[0].status, x[1], true]
  ELSE [x[0].id, type(x[1]), x[3], x[2].id, x[2]._label, x[2].status, x[4]] END] AS rows, orders
UNWIND range(0, CASE WHEN size(rows) = 0 THEN 0 ELSE size(rows) - 1 END, $chunk) AS i
RETURN rows[i..i + $chunk] AS rows, CASE WHEN i = 0 THEN orders END AS orders
`)
		return []byte(b.String())
	}
}

// LeanRel is what the expand queries read of a relationship r: where $lean
// (a walk that reports no edges) a list [eid, precision], with validFrom
// and validTo after them on CONTAINS (a recall's rollup reads a unit's
// CONTAINS spans from its walk; a lean walk checks no other validity
// after the query), else all its properties.
const LeanRel = `CASE WHEN $lean THEN CASE WHEN type(r) = 'CONTAINS' THEN [r.eid, r.precision, r.validFrom, r.validTo] ELSE [r.eid, r.precision] END ELSE properties(r) END`

// hopsBlock is the OPTIONAL CALL that finds the edges of the types
// (typed: no other relationship is read) a frontier node f is left by and
// the node o at their other end, filtered, with what the answer reads of
// the edge (rel, $lean as in expand_out.cypher: LeanRel) and whether o is held,
// both only for the edges that pass; a node with none keeps one row of
// nulls.
func hopsBlock(d levelsDir, types []string, indent string) string {
	return fmt.Sprintf(`%[1]sOPTIONAL CALL (f) {
%[1]s  MATCH `+fmt.Sprintf(d.pattern, strings.Join(types, "|"))+`
%[1]s  WHERE r.precision IN $precisions AND r.voided = false
%[1]s    AND o._voided IS NULL
%[1]s    AND ($history OR (r.validFrom <= $asOf AND (r.validTo IS NULL OR r.validTo > $asOf)))
%[1]s  RETURN r, o, `+LeanRel+` AS rel,
%[1]s    CASE WHEN $holds THEN EXISTS { (o)-[:HAS_HOLD]->(:Hold) } END AS held
%[1]s}
`, indent)
}
