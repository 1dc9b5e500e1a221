package cypher

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/internal/querygen"
)

// planAllowed are the query files whose plan TestQueryPlans does not check,
// each with the reason it may scan (or has no plan).
var planAllowed = map[string]string{
	qSchemaAwait:    "schema: waits for the indexes, a procedure call",
	qUnitsCountScan: "Units counted by onHold, createdFrom or createdTo alone: no index answers them, every unit is checked (the embedded store reads every unit too)",
	qHeldNodes:      "every HAS_HOLD relationship, read once by a recall only while there are no more than the units it reached: cheaper than a check per unit",
}

// scanOperators are the plan operators that read every node, every node of
// a label or every relationship (of a type), or a whole index, where the
// hot queries mean to seek.
var scanOperators = []string{
	"AllNodesScan", "NodeByLabelScan", "UnionNodeByLabelsScan", "IntersectionNodeByLabelsScan",
	"DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan",
	"DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan",
	"DirectedUnionRelationshipTypesScan", "UndirectedUnionRelationshipTypesScan",
	"NodeIndexScan", "DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan",
}

// planNeeds are operators that some queries must plan: counts answered by
// the count store, and pages read in the order of an index (no Sort or Top
// over every match).
var planNeeds = map[string]string{
	qStatsNodes: "NodeCountFromCountStore",
	qStatsEdges: "RelationshipCountFromCountStore",
	qUnitsCount: "NodeCountFromCountStore",
	qUnitsPage:  "!Sort !Top",
	qEventsPage: "!Sort !Top",
	// The EPCIS query by event time seeks its window (schema_event_time).
	qEventsInTime: "NodeIndexSeekByRange",
}

// keyFilter finds a filter on a node's id or a relationship's eid: a key
// looked for among the relationships of a node (a pallet's thousands of
// CONTAINS) rather than sought through its index.
var keyFilter = regexp.MustCompile(`\b\w+\.e?id = \S+`)

// TestQueryPlans asks the real server for the plan of every query file
// (every one reads by a key, counts, or is on a hot path; the few that may
// scan are in planAllowed, with their reason), with representative
// parameters (planParams) over a small factory's graph, and fails on a
// scan (scanOperators) or on relationships filtered by type after an
// expansion (the expansion should name the type) or a key filtered after
// one (keyFilter), and checks what planNeeds asks of some. It reads the plan
// through PROFILE in a transaction that is rolled back, not EXPLAIN: the
// driver (v5.28.4) loses all but the last child of each operator of an
// EXPLAIN plan (plan.Children aliases its loop variable), not of a profile.
func TestQueryPlans(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	loadFactory(t, s, 600)
	if err := s.freshStatistics(ctx, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range s.q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if why, ok := planAllowed[name]; ok {
			t.Logf("%s: not checked: %s", name, why)
			continue
		}
		if strings.HasPrefix(name, schemaPrefix) {
			continue // schema commands have no plan
		}
		t.Run(name, func(t *testing.T) {
			plan, err := s.profile(ctx, name, planParams(name))
			if err != nil {
				t.Fatal(err)
			}
			ops := map[string]bool{}
			for _, p := range flatten(plan) {
				ops[strings.TrimSuffix(p.op, "@neo4j")] = true
			}
			for _, need := range strings.Fields(planNeeds[name]) {
				if op, not := strings.CutPrefix(need, "!"); not && ops[op] {
					t.Errorf("%s.cypher plans %s: read the index in order instead\n%s", name, op, plan)
				} else if !not && !ops[need] {
					t.Errorf("%s.cypher does not plan %s\n%s", name, need, plan)
				}
			}
			for _, p := range flatten(plan) {
				op := strings.TrimSuffix(p.op, "@neo4j")
				for _, scan := range scanOperators {
					if op == scan {
						t.Errorf("%s.cypher plans %s (%s): seek through an index instead\n%s", name, op, p.details, plan)
					}
				}
				if op != "Filter" {
					continue
				}
				if strings.Contains(p.details, "type(") {
					t.Errorf("%s.cypher filters relationships by type after expanding (%s): expand each type on its own\n%s", name, p.details, plan)
				}
				if m := keyFilter.FindString(p.details); m != "" {
					t.Errorf("%s.cypher looks for a key among what it read (%s): seek it through its index, or match both ends\n%s", name, m, plan)
				}
			}
		})
	}
}

// freshStatistics resamples the indexes until every sample is current and
// then empties the query caches, so that plans are made for the graph as it
// is: the tests before empty the database and refill it faster than Neo4j
// resamples, and a sample taken half-way (an index of 8 entries believed
// empty) makes the planner scan a whole index instead of seeking in it.
// db.prepareForReplanning waits for the resampling it starts, so a loaded
// machine makes the call slower rather than leaving samples stale (its
// asynchronous peer, db.resampleOutdatedIndexes, once left some stale for
// a whole minute at load 25–31).
func (s *Store) freshStatistics(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		stale := 0
		err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
			wait := max(int64(time.Until(deadline).Seconds()), 1)
			if _, err := tx.Run(ctx, "CALL db.prepareForReplanning($wait)", map[string]any{"wait": wait}); err != nil {
				return err
			}
			res, err := tx.Run(ctx, `CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
UNWIND data.indexes AS ix
RETURN count(CASE WHEN ix.updatesSinceEstimation > 0 THEN 1 END) AS stale`, nil)
			if err != nil {
				return err
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return err
			}
			n, _ := rec.Values[0].(int64)
			stale = int(n)
			return nil
		})
		switch {
		case err != nil:
			return fmt.Errorf("resample indexes: %w", err)
		case stale == 0:
			return s.write(ctx, func(tx neo4j.ManagedTransaction) error {
				_, err := tx.Run(ctx, "CALL db.clearQueryCaches()", nil)
				return err
			})
		case time.Now().After(deadline):
			return fmt.Errorf("%d index samples still stale after %s", stale, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// planNode is one operator of a plan.
type planNode struct {
	op, details string
	children    []*planNode
}

func (p *planNode) String() string {
	var b strings.Builder
	var walk func(p *planNode, depth int)
	walk = func(p *planNode, depth int) {
		fmt.Fprintf(&b, "%s%s %s\n", strings.Repeat("  ", depth), p.op, p.details)
		for _, c := range p.children {
			walk(c, depth+1)
		}
	}
	walk(p, 0)
	return b.String()
}

func flatten(p *planNode) []*planNode {
	out := []*planNode{p}
	for _, c := range p.children {
		out = append(out, flatten(c)...)
	}
	return out
}

// profile runs the named query under PROFILE in a write transaction that it
// rolls back, and returns the plan.
func (s *Store) profile(ctx context.Context, name string, params map[string]any) (*planNode, error) {
	text, err := s.q.text(name)
	if err != nil {
		return nil, err
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	res, err := tx.Run(ctx, "PROFILE "+text, params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if sum.Profile() == nil {
		return nil, fmt.Errorf("%s: the server returned no plan", name)
	}
	var conv func(p neo4j.ProfiledPlan) *planNode
	conv = func(p neo4j.ProfiledPlan) *planNode {
		d, _ := p.Arguments()["Details"].(string)
		n := &planNode{op: p.Operator(), details: d}
		for _, c := range p.Children() {
			n.children = append(n.children, conv(c))
		}
		return n
	}
	return conv(sum.Profile()), nil
}

// planParams returns representative parameters for the named query: every
// parameter any query takes, with values of the types the store passes,
// and, for the Units variants, the filter that drives them set. Write
// queries get one row that holds the keys of every kind of row.
func planParams(name string) map[string]any {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	row := map[string]any{
		"id": "Unit:SN1", "seq": int64(7), "ord": int64(0), "props": map[string]any{"id": "Unit:SN1", "key": "SN1"},
		"source": "Unit:SN1", "target": "Component:C1", "eid": int64(tracegraph.NewEdgeID(7, 0)),
		"validTo": at, "closedBy": "ev-8", "closeReason": "removed", "voided": false,
		"node": "Unit:SN1", "reason": "retest", "since": at, "scheme": "IMEI", "value": "356938035643809",
		"event": "ev-7", "by": "ev-9", "events": []any{int64(0)},
	}
	p := map[string]any{
		"id": "Unit:SN1", "ids": []string{"Unit:SN1", "Pallet:P1"}, "rows": []any{row},
		"events": []any{map[string]any{"id": "plan-ev", "seq": int64(1) << 40, "type": "unit.created", "time": at,
			"recordedAt": at, "hash": "h1", "prevHash": "", "record": "{}"}},
		"history": false, "asOf": at, "types": []string{"CONTAINS", "CONSUMED"}, "precisions": []string{"EXACT", "CANDIDATE"},
		"lo": int64(tracegraph.NewEdgeID(7, 0)), "hi": int64(tracegraph.NewEdgeID(8, 0)), "seq": int64(7), "hash": "h7", "recordedAt": at,
		"after": int64(0), "limit": int64(51), "value": "PN-1", "values": []string{"356938035643809", "SN1"}, "dateFrom": "2301", "dateTo": "2352",
		"from": instant(at), "to": instant(at.Add(24 * time.Hour)), "afterSeq": int64(0), "afterOrd": int64(-1),
		"prefix": "", "partNumber": nil, "workOrder": nil, "status": nil, "onHold": nil,
		"createdFrom": nil, "createdTo": nil, "seconds": int64(300),
		"timeFrom": at, "timeTo": at.Add(time.Hour), "before": int64(1) << 40,
		"levels": int64(expandLevels), "wide": int64(levelWide), "lean": false, "holds": true,
		"orders": true, "chunk": int64(levelChunk), // the work orders read too: their expansion is planned without a scan
		"names": storedNames([]string{"partNumber", "status"}),
	}
	// The write path's queries read their lists from $batch (batchParams).
	p["batch"] = map[string]any{"rows": p["rows"], "ids": p["ids"], "events": p["events"], "keys": []string{"SN1", "P1"},
		"seqs": []int64{7}} // events_link's events (its rows' events index them)
	for _, u := range querygen.UnitSeeks {
		if name == unitsPageBy+u.Name || name == unitsCountBy+u.Name {
			p[u.Param] = map[string]any{"workOrder": "WO-1", "partNumber": "PCBA-1", "prefix": "SN", "status": tracegraph.StatusWIP}[u.Param]
		}
	}
	return p
}

// loadFactory applies the first n events of the reference factory, so that
// the planner sees a graph with its statistics rather than an empty one.
func loadFactory(t *testing.T, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	evs, err := factoryStream(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(evs); i += 100 {
		if _, err := s.Apply(ctx, evs[i:min(i+100, len(evs))], tracegraph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}
