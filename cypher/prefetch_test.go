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
// prefetch the events, identifiers and nodes are read in one query each
// instead of one per lookup.
func TestPrefetchKeepsOutcomes(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	all, err := factoryStream(ctx, 600)
	if err != nil {
		t.Fatal(err)
	}
	// The line side's rules read the Station node and the lots on its
	// slots, which prefetch does not cover yet: the stream leaves the
	// line-side events out (the rest stays valid without them).
	var evs []*tracegraph.Event
	for _, e := range all {
		if !lineSideEvent(e.Type) && len(evs) < 300 {
			evs = append(evs, e)
		}
	}
	if _, err := s.Apply(ctx, evs[:220], tracegraph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	batch := append([]*tracegraph.Event(nil), evs[220:]...)
	batch = append(batch, evs[3], evs[219]) // duplicates
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
	byText := map[string]string{}
	for name, text := range s.q {
		byText[text] = name
	}
	project := func(tx neo4j.ManagedTransaction, prefetch bool) ([]tracegraph.Outcome, map[string]int) {
		c := &countingTx{ManagedTransaction: tx, byText: byText, runs: map[string]int{}}
		rd := newTxReader(s, c)
		if prefetch {
			if err := rd.prefetch(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		res, err := tracegraph.ProjectBatch(ctx, rd, batch, tracegraph.ApplyOptions{}, 221)
		if err != nil {
			t.Fatal(err)
		}
		return res.Outcomes, c.runs
	}
	rollback := errors.New("rollback")
	err = s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		oneByOne, slow := project(tx, false)
		prefetched, fast := project(tx, true)
		if !reflect.DeepEqual(prefetched, oneByOne) {
			t.Errorf("outcomes after prefetch differ:\n%+v\nwant (one lookup at a time)\n%+v", prefetched, oneByOne)
		}
		statuses := map[string]int{}
		for _, o := range prefetched {
			statuses[o.Status]++
		}
		if statuses[tracegraph.OutcomeDuplicate] != 2 || statuses[tracegraph.OutcomeRejected] < 2 || statuses[tracegraph.OutcomeAccepted] < 80 {
			t.Errorf("outcomes %v: want the batch accepted but for 2 duplicates and the bad events rejected", statuses)
		}
		lookups := func(runs map[string]int) int { return runs[qEventGet] + runs[qIdentOwners] + runs[qNodeGet] }
		if got := lookups(fast); got > 6 {
			t.Errorf("with prefetch: %d event, identifier and node queries (%v), want about 3", got, fast)
		}
		if lookups(slow) < 50 {
			t.Errorf("one by one: %d lookup queries (%v); the batch asks too little to show a difference", lookups(slow), slow)
		}
		t.Logf("lookup queries for %d events: %d one by one, %d with prefetch", len(batch), lookups(slow), lookups(fast))
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
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
