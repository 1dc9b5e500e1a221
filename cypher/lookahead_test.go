package cypher

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestLookaheadAgreesWithPerLevel is the differential test of the walks'
// lookahead (expand.go): on a generated factory with some of its edges and
// nodes voided, two stores on the same database, one walking with
// lookahead and one reading one level per query as before (perLevel),
// give byte for byte the same traces (both directions, depth and type
// filters, limits, history, an earlier moment, a minimum precision, with
// and without edges, start nodes missing or voided), explodes and recalls
// (whose walks read lean rows, holds after the walk where the old one
// read them in it, and their units' work orders in the walk where the old
// one read them after it), of one suspect and of many, some units on hold.
func TestLookaheadAgreesWithPerLevel(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	var evs []*tracegraph.Event
	if _, err := factory.Generate(ctx, factory.Config{Units: 300, Seed: 1}, func(e *tracegraph.Event) error {
		evs = append(evs, e)
		return e.Normalize()
	}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(evs); i += 500 {
		if _, err := s.Apply(ctx, evs[i:min(i+500, len(evs))], tracegraph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	mid := evs[len(evs)/2].Time
	// Void every 9th consumption, assembly and packing, and a few units'
	// creation (the store refuses what it must; what it accepts voids
	// edges, and nodes).
	last := evs[len(evs)-1].Time
	var voids []*tracegraph.Event
	for i, e := range evs {
		switch {
		case i%9 == 0 && (e.Type == tracegraph.EventMaterialConsumed || e.Type == tracegraph.EventUnitAssembled || e.Type == tracegraph.EventPacked),
			i%97 == 0 && e.Type == tracegraph.EventUnitCreated:
			v, err := storetest.NewEvent(fmt.Sprintf("void-%d", i), tracegraph.EventVoided, last.Add(time.Duration(len(voids)+1)*time.Second),
				map[string]any{"event": e.ID, "reason": "differential test"})
			if err != nil {
				t.Fatal(err)
			}
			voids = append(voids, v)
		}
	}
	outs, err := s.Apply(ctx, voids, tracegraph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, o := range outs {
		if o.Status == tracegraph.OutcomeAccepted {
			accepted++
		}
	}
	if accepted < 10 {
		t.Fatalf("%d of %d voids accepted: the test voids too little", accepted, len(voids))
	}
	// The factory is too small to fill a pallet (40 boxes): one pallet
	// holds its boxes.
	ids, err := nodeIDs(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	var boxes []string
	for _, id := range ids {
		if l, _, _ := tracegraph.ParseID(string(id)); l == tracegraph.LabelBox {
			boxes = append(boxes, string(id))
		}
	}
	pallet, err := storetest.NewEvent("pallet-diff", tracegraph.EventPacked, last.Add(time.Duration(len(voids)+10)*time.Second),
		map[string]any{"container": "Pallet:PL-DIFF", "containerType": "pallet", "items": boxes})
	if err != nil {
		t.Fatal(err)
	}
	if outs, err := s.Apply(ctx, []*tracegraph.Event{pallet}, tracegraph.ApplyOptions{}); err != nil || outs[0].Status != tracegraph.OutcomeAccepted {
		t.Fatalf("packing %d boxes on a pallet: %v %+v", len(boxes), err, outs)
	}
	// Holds on every 7th unit: a recall reads its units' holds after its
	// walk (unitHolds), from every hold at once when they are fewer than the
	// units reached, else from the units.
	var holds []*tracegraph.Event
	for i, id := range ids {
		if l, _, _ := tracegraph.ParseID(string(id)); l == tracegraph.LabelUnit && i%7 == 0 {
			h, err := storetest.NewEvent(fmt.Sprintf("hold-%d", i), tracegraph.EventHoldPlaced, last.Add(time.Duration(len(voids)+20+len(holds))*time.Second),
				map[string]any{"target": string(id), "reason": "differential test"})
			if err != nil {
				t.Fatal(err)
			}
			holds = append(holds, h)
		}
	}
	if outs, err := s.Apply(ctx, holds, tracegraph.ApplyOptions{}); err != nil || len(holds) < 10 {
		t.Fatalf("placing %d holds: %v", len(holds), err)
	} else {
		for _, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				t.Fatalf("hold refused: %+v", o)
			}
		}
	}
	old, err := Open(ctx, neo4jConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	old.perLevel = true

	byLabel := map[tracegraph.Label][]tracegraph.ID{}
	if ids, err = nodeIDs(ctx, s); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		l, _, _ := tracegraph.ParseID(string(id))
		byLabel[l] = append(byLabel[l], id)
	}
	sample := func(l tracegraph.Label, n int) []tracegraph.ID {
		all := byLabel[l]
		if len(all) <= n {
			return all
		}
		out := make([]tracegraph.ID, 0, n)
		for i := range n {
			out = append(out, all[i*len(all)/n])
		}
		return out
	}
	same := func(t *testing.T, what string, get func(s *Store) (any, error)) {
		t.Helper()
		a, errA := get(s)
		b, errB := get(old)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if fmt.Sprint(errA) != fmt.Sprint(errB) || !bytes.Equal(ja, jb) {
			t.Fatalf("%s: lookahead %v\n%.2000s\nper level %v\n%.2000s", what, errA, ja, errB, jb)
		}
	}
	var starts []tracegraph.ID
	for _, l := range []tracegraph.Label{tracegraph.LabelUnit, tracegraph.LabelMaterialLot, tracegraph.LabelComponent,
		tracegraph.LabelBox, tracegraph.LabelPallet, tracegraph.LabelShipment, tracegraph.LabelWorkOrder, tracegraph.LabelSupplier} {
		starts = append(starts, sample(l, 8)...)
	}
	if len(starts) < 30 || len(byLabel[tracegraph.LabelPallet]) == 0 || len(byLabel[tracegraph.LabelBox]) < 2 {
		t.Fatalf("%d start nodes, %d pallets, %d boxes: the factory is too small", len(starts),
			len(byLabel[tracegraph.LabelPallet]), len(byLabel[tracegraph.LabelBox]))
	}
	t.Logf("%d events (%d voids accepted), %d nodes, %d start nodes", len(evs), accepted, len(ids), len(starts))
	reqs := []struct {
		name string
		req  tracegraph.TraceRequest
	}{
		{"upstream", tracegraph.TraceRequest{Direction: tracegraph.Upstream, MaxDepth: 8}},
		{"downstream", tracegraph.TraceRequest{Direction: tracegraph.Downstream, MaxDepth: 8}},
		{"both depth 3", tracegraph.TraceRequest{Direction: tracegraph.Both, MaxDepth: 3}},
		{"upstream deep", tracegraph.TraceRequest{Direction: tracegraph.Upstream, MaxDepth: 40}},
		{"downstream limit 25", tracegraph.TraceRequest{Direction: tracegraph.Downstream, MaxDepth: 20, Limit: 25}},
		{"upstream limit 7", tracegraph.TraceRequest{Direction: tracegraph.Upstream, MaxDepth: 8, Limit: 7}},
		{"history", tracegraph.TraceRequest{Direction: tracegraph.Both, MaxDepth: 6, History: true}},
		{"earlier", tracegraph.TraceRequest{Direction: tracegraph.Both, MaxDepth: 8, AsOf: mid}},
		{"exact only", tracegraph.TraceRequest{Direction: tracegraph.Downstream, MaxDepth: 8, MinPrecision: tracegraph.PrecisionExact}},
		{"upstream without edges", tracegraph.TraceRequest{Direction: tracegraph.Upstream, MaxDepth: 8, SkipEdges: true}},
		{"earlier without edges", tracegraph.TraceRequest{Direction: tracegraph.Both, MaxDepth: 8, AsOf: mid, SkipEdges: true}},
		{"contains and consumed", tracegraph.TraceRequest{Direction: tracegraph.Upstream, MaxDepth: 8,
			EdgeTypes: []tracegraph.EdgeType{tracegraph.EdgeContains, tracegraph.EdgeConsumed}}},
	}
	for _, r := range reqs {
		t.Run(r.name, func(t *testing.T) {
			for _, id := range starts {
				req := r.req
				req.From = []tracegraph.ID{id}
				if req.Limit == 0 {
					req.Limit = tracegraph.MaxTraceLimit
				}
				same(t, fmt.Sprintf("trace %s from %s", r.name, id), func(s *Store) (any, error) { return s.Trace(ctx, req) })
			}
		})
	}
	t.Run("start nodes that do not exist", func(t *testing.T) {
		voided, err := voidedIDs(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if len(voided) == 0 {
			t.Fatal("no voided node: the test voids too little")
		}
		for _, from := range [][]tracegraph.ID{{"Unit:NO-SUCH"}, {starts[0], "Box:NO-SUCH"}, voided[:1], {starts[1], voided[0]}} {
			req := tracegraph.TraceRequest{From: from, Direction: tracegraph.Upstream, MaxDepth: 8, Limit: 100}
			same(t, fmt.Sprintf("trace from %v", from), func(s *Store) (any, error) { return s.Trace(ctx, req) })
			same(t, fmt.Sprintf("explode %v", from[0]), func(s *Store) (any, error) { return s.Explode(ctx, from[0], time.Time{}) })
		}
	})
	t.Run("explode", func(t *testing.T) {
		for _, id := range append(sample(tracegraph.LabelPallet, 20), sample(tracegraph.LabelBox, 20)...) {
			for _, at := range []time.Time{{}, mid} {
				same(t, fmt.Sprintf("explode %s at %s", id, at), func(s *Store) (any, error) { return s.Explode(ctx, id, at) })
			}
		}
	})
	t.Run("recall", func(t *testing.T) {
		for _, id := range append(sample(tracegraph.LabelMaterialLot, 10), sample(tracegraph.LabelComponent, 5)...) {
			for _, at := range []time.Time{last.Add(time.Hour), mid} { // not now: the report says when it was
				req := tracegraph.RecallRequest{Suspects: []tracegraph.ID{id}, AsOf: at}
				same(t, fmt.Sprintf("recall %s at %s", id, at), func(s *Store) (any, error) { return s.RecallImpact(ctx, req) })
			}
		}
		// Many suspects at once, whose walks meet (the bench's recall),
		// now, at an earlier moment and with history.
		many := append(sample(tracegraph.LabelMaterialLot, 30), sample(tracegraph.LabelComponent, 10)...)
		for _, req := range []tracegraph.RecallRequest{{Suspects: many, AsOf: last.Add(time.Hour)}, {Suspects: many, AsOf: mid},
			{Suspects: many, History: true, AsOf: last.Add(time.Hour)}} {
			same(t, fmt.Sprintf("recall of %d suspects at %s, history %v", len(many), req.AsOf, req.History),
				func(s *Store) (any, error) { return s.RecallImpact(ctx, req) })
		}
		// The rollup's work orders, which the lookahead's walk reads with
		// its levels ($orders) and the old one afterwards: the comparison
		// above compares some.
		rep, err := s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: many})
		if err != nil || len(rep.WorkOrders) == 0 {
			t.Fatalf("recall of %d suspects: %v, %d work orders: the test compares none", len(many), err, len(rep.WorkOrders))
		}
	})
}

// nodeIDs returns the ids of every live node, sorted.
func nodeIDs(ctx context.Context, s *Store) ([]tracegraph.ID, error) {
	return idsOf(ctx, s, "MATCH (n:Node) WHERE n._voided IS NULL RETURN n.id AS id ORDER BY id")
}

// voidedIDs returns the ids of every voided node, sorted.
func voidedIDs(ctx context.Context, s *Store) ([]tracegraph.ID, error) {
	return idsOf(ctx, s, "MATCH (n:Node) WHERE n._voided = true RETURN n.id AS id ORDER BY id")
}

// idsOf returns the ids a query returns.
func idsOf(ctx context.Context, s *Store, query string) ([]tracegraph.ID, error) {
	var out []tracegraph.ID
	err := s.read(ctx, func(tx neo4j.ManagedTransaction) error {
		out = nil
		res, err := tx.Run(ctx, query, nil)
		if err != nil {
			return err
		}
		for res.Next(ctx) {
			id, err := value[string](res.Record(), "id")
			if err != nil {
				return err
			}
			out = append(out, tracegraph.ID(id))
		}
		return res.Err()
	})
	return out, err
}
