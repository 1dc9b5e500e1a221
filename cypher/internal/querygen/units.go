package querygen

import "strings"

// UnitSeek is a Units filter that an index answers: Units runs the variant
// of its queries named after the one that drives the search
// (units_page_by_<Name>, units_count_by_<Name>), where that filter is a
// predicate the planner can seek on. A null parameter (or an empty prefix)
// cannot seek: it matches every unit, so in the other variants the same
// filter is a residual check that lets a null through.
type UnitSeek struct {
	// Name names the variant; Param is the filter's $parameter.
	Name, Param string
	// Seek is the predicate of the variant it drives and Index the index
	// that answers it, Residual the check in the other variants, What the
	// units it selects, for the comment.
	Seek, Index, Residual, What string
}

// UnitSeeks are the filters with an index, in the order Units prefers them
// as the driver (the most selective first).
var UnitSeeks = []UnitSeek{
	{"work_order", "workOrder", "n.workOrder = $workOrder", "n:Unit(workOrder)", "($workOrder IS NULL OR n.workOrder = $workOrder)", "belong to the work order $workOrder"},
	{"part_number", "partNumber", "n.partNumber = $partNumber", "n:Unit(partNumber)", "($partNumber IS NULL OR n.partNumber = $partNumber)", "have the part number $partNumber"},
	{"prefix", "prefix", "n.key STARTS WITH $prefix", "n:Unit(key)", "($prefix = '' OR n.key STARTS WITH $prefix)", "have a serial starting with $prefix"},
	{"status", "status", "n.status = $status", "n:Unit(status)", "($status IS NULL OR n.status = $status)", "have the status $status"},
}

// unitChecks are the filters no index answers: always residual.
var unitChecks = []string{
	"($onHold IS NULL OR EXISTS { (n)-[:HAS_HOLD]->(:Hold) } = $onHold)",
	"($createdFrom IS NULL OR datetime(n.createdAt) >= datetime($createdFrom))",
	"($createdTo IS NULL OR datetime(n.createdAt) < datetime($createdTo))",
}

// unitWhere returns the conditions of a Units query driven by seek ("" for
// none), one per line, each but the first starting with AND.
func unitWhere(first []string, seek string) string {
	conds := append([]string(nil), first...)
	for _, s := range UnitSeeks {
		if s.Name == seek {
			conds = append(conds, s.Seek)
		}
	}
	for _, s := range UnitSeeks {
		if s.Name != seek {
			conds = append(conds, s.Residual)
		}
	}
	conds = append(conds, unitChecks...)
	return strings.Join(conds, "\n  AND ")
}

// unitCursor is the cursor condition of a page: after ($afterSeq,
// $afterOrd) in (_seq, _ord) order, written as a range on _seq (which the
// unit_order index seeks, in that order) and a check that drops the units of
// $afterSeq up to the cursor. An OR of the two cases could not seek, and
// the planner would turn the check into one if it were a NOT (... AND ...):
// a union of two seeks, sorted, instead of reading the index in order.
var unitCursor = []string{
	"n._seq >= $afterSeq AND n._ord IS NOT NULL",
	"CASE WHEN n._seq = $afterSeq THEN n._ord > $afterOrd ELSE true END",
}

const tmplUnitsPage = `{{if .What -}}
// Units: one page, in the order units were first recorded (_seq, _ord),
// after the cursor ($afterSeq, $afterOrd; 0, -1 for the first page), of the
// units that {{.What}}.
// The planner seeks them and sorts them, or reads the unit_order index in
// order and checks them, whichever its statistics find cheaper. The other
// filters are checked on the way; a null one matches everything.
MATCH (n:Unit)
{{- else -}}
// Units: one page, in the order units were first recorded (_seq, _ord),
// after the cursor ($afterSeq, $afterOrd; 0, -1 for the first page), read in
// that order from the unit_order index. The filters are checked on the way;
// a null one matches everything.
MATCH (n:Unit) USING INDEX n:Unit(_seq, _ord)
{{- end}}
WHERE {{.Where}}
RETURN
  n.id AS id,
  n._seq AS seq,
  n._ord AS ord,
  properties(n) AS props,
  [(n)-[r:HAS_HOLD]->(h:Hold) |
    {id: h.id, source: h.source, reason: h.reason, since: h.since, seq: r.seq, ord: r.ord}] AS holds
ORDER BY n._seq, n._ord
LIMIT $limit
`

const tmplUnitsCount = `{{if .What -}}
// Units: how many units {{.What}} (an index seek) and
// match the other filters (parameters as in units_page.cypher).
MATCH (n:Unit) USING INDEX {{.Index}}
{{- else -}}
// Units: how many units match filters that no index answers (onHold,
// createdFrom, createdTo alone): every unit is checked.
MATCH (n:Unit)
{{- end}}
WHERE {{.Where}}
RETURN count(n) AS n
`

const tmplUnitsCountAll = `// Units without a filter: how many live units, from the count store.
MATCH (n:Unit)
RETURN count(n) AS n
`

// renderUnits writes the Units queries: a page and a count per driving
// filter, a page in unit order, a count of every unit, and a count that
// checks every unit.
func renderUnits(out map[string][]byte, data tdata) error {
	if err := render(out, "units_page.cypher", tmplUnitsPage, data.with("Where", unitWhere(unitCursor, ""))); err != nil {
		return err
	}
	if err := render(out, "units_count.cypher", tmplUnitsCountAll, data); err != nil {
		return err
	}
	if err := render(out, "units_count_scan.cypher", tmplUnitsCount, data.with("Where", unitWhere(nil, ""))); err != nil {
		return err
	}
	for _, s := range UnitSeeks {
		d := data.with("What", s.What).with("Index", s.Index)
		if err := render(out, "units_page_by_"+s.Name+".cypher", tmplUnitsPage, d.with("Where", unitWhere(unitCursor, s.Name))); err != nil {
			return err
		}
		if err := render(out, "units_count_by_"+s.Name+".cypher", tmplUnitsCount, d.with("Where", unitWhere(nil, s.Name))); err != nil {
			return err
		}
	}
	return nil
}
