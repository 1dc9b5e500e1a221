package cypher

import "github.com/tracegraph/tracegraph/cypher/internal/querygen"

// unitQueries returns the page and count queries of Units for these
// parameters (as units_page.cypher takes them, nil or "" for an unset
// filter). The first set filter that an index answers, in the order of
// querygen.UnitSeeks, drives the search, so that the planner can seek on it;
// with none, pages are read in unit order from the unit_order index and the
// count comes from the count store when no other filter is set either, or
// from checking every unit when one is.
func unitQueries(params map[string]any) (page, count string) {
	for _, s := range querygen.UnitSeeks {
		if v := params[s.Param]; v != nil && v != "" {
			return unitsPageBy + s.Name, unitsCountBy + s.Name
		}
	}
	for _, p := range []string{"onHold", "createdFrom", "createdTo"} {
		if params[p] != nil {
			return qUnitsPage, qUnitsCountScan
		}
	}
	return qUnitsPage, qUnitsCount
}
