package cypher

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// countingTx is a real transaction that counts the queries run through it,
// by query file.
type countingTx struct {
	neo4j.ManagedTransaction
	byText map[string]string
	runs   map[string]int
}

func (c *countingTx) Run(ctx context.Context, text string, params map[string]any) (neo4j.ResultWithContext, error) {
	c.runs[c.byText[text]]++
	return c.ManagedTransaction.Run(ctx, text, params)
}

// TestPrefetchKeepsOutcomes projects one batch twice in the same
// transaction, over the real server's graph: once with the reader's lookups
// made one by one, once after prefetch. The outcomes are the same, and with
// prefetch the reads are a few queries for the whole batch instead of one
// per lookup, the line side's included (the Station node's state, the lots
// on its slots, the setups they run and the edges into the reels).
func TestPrefetchKeepsOutcomes(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	// The batch starts while a station places boards and holds its
	// changeover: a setup defined and activated, every slot loaded again
	// (which derives the placements of the reels closed again), a splice,
	// then placements from the new reels.
	const before, size = 1200, 130
	evs, err := factoryStream(ctx, 3000) // the factory's size decides where changeovers fall
	if err != nil {
		t.Fatal(err)
	}
	evs = evs[:before+size]
	kinds := map[tracegraph.EventType]int{}
	for _, e := range evs[before:] {
		kinds[e.Type]++
	}
	for _, k := range []tracegraph.EventType{tracegraph.EventSetupDefined, tracegraph.EventSetupActivated,
		tracegraph.EventFeederLoaded, tracegraph.EventFeederSpliced, tracegraph.EventUnitPlaced} {
		if kinds[k] == 0 {
			t.Fatalf("the batch holds no %s (%v): the stream no longer exercises the line side's reads", k, kinds)
		}
	}
	for i := 0; i < before; i += 200 {
		if _, err := s.Apply(ctx, evs[i:min(i+200, before)], tracegraph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	batch := append([]*tracegraph.Event(nil), evs[before:]...)
	batch = append(batch, evs[3], evs[before-1]) // duplicates
	for _, e := range []struct {
		id   string
		typ  tracegraph.EventType
		data any
	}{
		{"bad-ref", tracegraph.EventUnitScrapped, map[string]any{"unit": "NO-SUCH-UNIT", "reason": "x"}},
		{"hold-any", tracegraph.EventHoldPlaced, map[string]any{"target": evs[0].ID, "reason": "an event id is no node"}},
		{"void-1", tracegraph.EventVoided, map[string]any{"event": evs[5].ID, "reason": "test"}},
	} {
		ev, err := storetest.NewEvent(e.id, e.typ, storetest.At(0), e.data)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, ev)
	}
	prefetched, slow, fast := projectBothWays(t, s, batch, before+1)
	statuses := map[string]int{}
	for _, o := range prefetched {
		statuses[o.Status]++
	}
	if statuses[tracegraph.OutcomeDuplicate] != 2 || statuses[tracegraph.OutcomeRejected] < 2 || statuses[tracegraph.OutcomeAccepted] < 80 {
		t.Errorf("outcomes %v: want the batch accepted but for 2 duplicates and the bad events rejected", statuses)
	}
	lookups := func(runs map[string]int) int {
		n := 0
		for _, q := range []string{qEventGet, qIdentOwners, qNodeGet, qNodesByKey, qNodeEdgesIn, qNodeEdgesOut, qNodesEdgesIn, qNodesEdgesOut, qEdgesByEvent, qHeldBy} {
			n += runs[q]
		}
		return n
	}
	// Prefetch: the batch's events, identifiers and candidate nodes (the
	// nodes of a few hundred codes under 15 labels: one nodes_by_key query; it
	// was three node_get queries of maxRows ids), then what those lead
	// to: the setups' definitions, the route, lot and other nodes, the
	// edges into what the batch may put in a container and into the
	// reels it may derive again. Not foreseen, so made on demand: the
	// void's edges, and the holders of the lot a hold of the batch is
	// placed on and released from.
	want := map[string]int{qEventGet: 2, qIdentOwners: 1, qNodeGet: 2, qNodesByKey: 1, qNodesEdgesIn: 2,
		qEdgesByEvent: 1, qHeldBy: 2, qNodeEdgesIn: 1}
	for q, n := range fast {
		if n > want[q] {
			t.Errorf("with prefetch: %d %s queries, want at most %d (%v)", n, q, want[q], fast)
		}
	}
	if lookups(slow) < 150 {
		t.Errorf("one by one: %d reader queries (%v); the batch asks too little to show a difference", lookups(slow), slow)
	}
	t.Logf("reader queries for %d events (%v): %d one by one (%v), %d with prefetch (%v)",
		len(batch), kinds, lookups(slow), slow, lookups(fast), fast)
}

// projectBothWays projects batch twice in one write transaction that it
// rolls back, over the real server's graph: once with the reader's lookups
// made one by one, once after prefetch. It fails the test when the outcomes
// differ, and returns them with the reader queries of each way, by query
// file.
func projectBothWays(t *testing.T, s *Store, batch []*tracegraph.Event, firstSeq uint64) (outcomes []tracegraph.Outcome, slow, fast map[string]int) {
	t.Helper()
	ctx := context.Background()
	byText := map[string]string{}
	for name, text := range s.q {
		byText[text] = name
	}
	project := func(tx neo4j.ManagedTransaction, prefetch bool) ([]tracegraph.Outcome, map[string]int) {
		c := &countingTx{ManagedTransaction: tx, byText: byText, runs: map[string]int{}}
		rd := newTxReader(s, c)
		if prefetch {
			if _, err := rd.prefetch(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		res, err := tracegraph.ProjectBatch(ctx, rd, batch, tracegraph.ApplyOptions{}, firstSeq)
		if err != nil {
			t.Fatal(err)
		}
		return res.Outcomes, c.runs
	}
	rollback := errors.New("rollback")
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		var oneByOne []tracegraph.Outcome
		oneByOne, slow = project(tx, false)
		outcomes, fast = project(tx, true)
		if !reflect.DeepEqual(outcomes, oneByOne) {
			t.Errorf("outcomes after prefetch differ:\n%+v\nwant (one lookup at a time)\n%+v", outcomes, oneByOne)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	return outcomes, slow, fast
}

// TestPrefetchPacking projects packing and shipping, accepted and refused
// (a route not completed, inside a container too), both ways: the same
// outcomes, and with prefetch the contents, test runs and holders are read
// a level at a time, not a node at a time.
func TestPrefetchPacking(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	before, err := storetest.ParseEvents(`
0 rcv-l1 lot.received   {"lot":"L1","partNumber":"R-10K","supplier":"ACME"}
1 rt-1   route.defined  {"partNumber":"PCBA-1","requires":["AOI","FCT"]}
1 rt-2   route.defined  {"partNumber":"MOD-1","requires":["FCT"]}
2 mk-u1  unit.created   {"serial":"U1","partNumber":"PCBA-1"}
2 mk-u2  unit.created   {"serial":"U2","partNumber":"PCBA-1"}
2 mk-u3  unit.created   {"serial":"U3","partNumber":"PCBA-1"}
2 mk-u4  unit.created   {"serial":"U4","partNumber":"PCBA-1"}
2 mk-m1  unit.created   {"serial":"M1","partNumber":"MOD-1"}
3 asm-1  unit.assembled {"parent":"U1","child":"M1"}
4 t1     test.recorded  {"unit":"U1","testType":"AOI","result":"pass"}
4 t2     test.recorded  {"unit":"U1","testType":"FCT","result":"pass"}
4 t3     test.recorded  {"unit":"M1","testType":"FCT","result":"pass"}
4 t4     test.recorded  {"unit":"U2","testType":"AOI","result":"pass"}
4 t5     test.recorded  {"unit":"U2","testType":"FCT","result":"pass"}
4 t6     test.recorded  {"unit":"U3","testType":"AOI","result":"pass"}
4 t7     test.recorded  {"unit":"U4","testType":"AOI","result":"pass"}
4 t8     test.recorded  {"unit":"U4","testType":"FCT","result":"fail"}
5 pk-b1  packed         {"container":"B1","items":["U2"]}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, before, tracegraph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	batch, err := storetest.ParseEvents(`
6 pk-b2  packed  {"container":"B2","items":["U1","U4"]}
6 pk-b3  packed  {"container":"B3","items":["U1"]}
6 pk-b4  packed  {"container":"B4","items":["U3"]}
7 pk-p1  packed  {"container":"P1","containerType":"pallet","items":["B1","B3"]}
8 sh-1   shipped {"shipment":"S1","customer":"CU","items":["P1"]}`)
	if err != nil {
		t.Fatal(err)
	}
	outcomes, slow, fast := projectBothWays(t, s, batch, uint64(len(before)+1))
	var got []string
	for _, o := range outcomes {
		st := o.Status
		if o.Error != nil {
			st += " " + string(o.Error.Code)
		}
		got = append(got, st)
	}
	want := []string{"rejected ROUTE", "accepted", "rejected ROUTE", "accepted", "accepted"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	if fast[qNodeEdgesOut]+fast[qNodeEdgesIn] > 0 || fast[qNodeGet] > 6 {
		t.Errorf("with prefetch: %v; want no edges read one node at a time and at most 6 node queries", fast)
	}
	if slow[qNodeEdgesOut] < 5 {
		t.Errorf("one by one: %v; the batch asks too little to show a difference", slow)
	}
	t.Logf("reader queries: one by one %v, with prefetch %v", slow, fast)
}

// lineSideEvent reports whether t is one of the line-side event types.
func lineSideEvent(t tracegraph.EventType) bool {
	switch t {
	case tracegraph.EventSetupDefined, tracegraph.EventSetupActivated, tracegraph.EventFeederLoaded,
		tracegraph.EventFeederUnloaded, tracegraph.EventFeederSpliced, tracegraph.EventSplicePassed,
		tracegraph.EventUnitPlaced, tracegraph.EventRouteDefined, tracegraph.EventLotBaked:
		return true
	}
	return false
}
