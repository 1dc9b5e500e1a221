package epcis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/ingest/epcis"
)

// demoStore is a store with a demo factory of n units.
func demoStore(t *testing.T, n int) tracegraph.Store {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	var batch []*tracegraph.Event
	flush := func() {
		if len(batch) == 0 {
			return
		}
		outs, err := st.Apply(ctx, batch, tracegraph.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tl := tracegraph.CountOutcomes(outs); tl.Rejected > 0 {
			t.Fatalf("the factory's events: %+v", tl)
		}
		batch = batch[:0]
	}
	if _, err := factory.Generate(ctx, factory.Config{Units: n, Seed: 1}, func(ev *tracegraph.Event) error {
		if batch = append(batch, ev); len(batch) == 500 {
			flush()
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	flush()
	return st
}

// exportAll renders every event of st as one EPCIS document.
func exportAll(t *testing.T, st tracegraph.Store) []byte {
	t.Helper()
	ctx := context.Background()
	var out []map[string]any
	for after := uint64(0); ; {
		evs, err := st.Events(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			var voided *tracegraph.Event
			if ev.Type == tracegraph.EventVoided {
				p, _ := ev.Payload()
				if voided, err = st.Event(ctx, p.(*tracegraph.Voided).Event); err != nil {
					t.Fatal(err)
				}
			}
			r, err := epcis.Render(ev, voided, nil)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
			after = ev.Seq
		}
		if len(evs) < 1000 {
			break
		}
	}
	doc, err := epcis.Document(out, clock())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// eachTrace calls f with every unit's upstream trace over history.
func eachTrace(t *testing.T, st tracegraph.Store, f func(u tracegraph.ID, res *tracegraph.TraceResult)) {
	t.Helper()
	ctx := context.Background()
	page := tracegraph.Page{First: tracegraph.MaxPageSize}
	for {
		up, err := st.Units(ctx, tracegraph.UnitFilter{}, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range up.Units {
			res, err := st.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{u.ID}, History: true})
			if err != nil {
				t.Fatal(err)
			}
			f(u.ID, res)
		}
		if !up.HasNextPage {
			return
		}
		page.After = up.Cursors[len(up.Cursors)-1]
	}
}

// genealogy is every unit's upstream trace over history, as text.
func genealogy(t *testing.T, st tracegraph.Store) []string {
	t.Helper()
	var out []string
	eachTrace(t, st, func(u tracegraph.ID, res *tracegraph.TraceResult) {
		for _, n := range res.Nodes {
			out = append(out, fmt.Sprintf("%s node %s d%d %s %s", u, n.ID, n.Depth, n.Precision, n.Status))
		}
		for _, e := range res.Edges {
			out = append(out, fmt.Sprintf("%s edge %s %s %s %s", u, e.Source, e.Type, e.Target, e.Precision))
		}
	})
	slices.Sort(out)
	return out
}

// TestRoundTrip exports a demo factory as EPCIS, captures it into an empty
// store and compares the genealogy of every unit; capturing the export into
// the store it came from changes nothing.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := demoStore(t, 40)
	doc := exportAll(t, src)
	v, err := epcis.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(doc); err != nil {
		t.Fatalf("the export is not valid EPCIS 2.0: %v", err)
	}
	dst := openStore(t)
	p, outs, err := capture(t, v, dst, doc)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := src.Head(ctx)
	if tl := tracegraph.CountOutcomes(outs); tl.Rejected > 0 || tl.Accepted != int(head) || p.Implicit != 0 {
		for _, o := range outs {
			if o.Status == tracegraph.OutcomeRejected {
				t.Fatalf("capture of the export: %+v, first refusal %s: %v", tl, o.ID, o.Error)
			}
		}
		t.Fatalf("capture of the export: %+v (%d implicit), want %d accepted", tl, p.Implicit, head)
	}
	want, got := genealogy(t, src), genealogy(t, dst)
	if len(want) < 100 {
		t.Fatalf("the demo's genealogy has %d lines; want a real one", len(want))
	}
	if !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("genealogy differs (%d vs %d lines) at %d: got %s, want %s", len(got), len(want), i, got[i], want[i])
			}
		}
		t.Fatalf("genealogy has %d lines, want %d", len(got), len(want))
	}
	_, again, err := capture(t, v, src, doc)
	if err != nil {
		t.Fatal(err)
	}
	if tl := tracegraph.CountOutcomes(again); tl.Duplicates != len(again) {
		t.Errorf("capturing the export into its own store: %+v, want %d duplicates", tl, len(again))
	}
	t.Logf("%d events, %d genealogy lines, %d bytes of EPCIS", head, len(want), len(doc))
}

// standardTypes are the event types whose links the standard EPCIS fields
// carry (line-side events, whose links the rules derive, ride in tg:event
// only).
var standardTypes = []tracegraph.EventType{tracegraph.EventUnitCreated, tracegraph.EventLotReceived,
	tracegraph.EventComponentReceived, tracegraph.EventWaferRegistered, tracegraph.EventMaterialConsumed,
	tracegraph.EventUnitAssembled, tracegraph.EventComponentRemoved, tracegraph.EventPacked, tracegraph.EventUnpacked}

// structure is the assembly, packing, consumption and derivation links
// that events of standardTypes made (by their type in src's log), reachable
// from the units through such links only: material that only line-side
// links (derived by the rules, carried in tg:event alone) reach is left out
// on both sides.
func structure(t *testing.T, st, src tracegraph.Store) []string {
	t.Helper()
	ctx := context.Background()
	types := map[string]tracegraph.EventType{}
	standard := func(e *tracegraph.Edge) bool {
		typ, ok := types[e.Event]
		if !ok {
			ev, err := src.Event(ctx, e.Event)
			if err != nil {
				t.Fatalf("the event %s of edge %v: %v", e.Event, e.ID, err)
			}
			typ, types[e.Event] = ev.Type, ev.Type
		}
		return slices.Contains(standardTypes, typ)
	}
	var out []string
	seen := map[tracegraph.ID]bool{}
	var frontier []tracegraph.ID
	eachTrace(t, st, func(u tracegraph.ID, _ *tracegraph.TraceResult) {
		if !seen[u] {
			seen[u] = true
			frontier = append(frontier, u)
		}
	})
	for len(frontier) > 0 {
		edges, err := st.Edges(ctx, frontier, tracegraph.EdgeQuery{Direction: tracegraph.Upstream, History: true})
		if err != nil {
			t.Fatal(err)
		}
		frontier = nil
		for _, e := range slices.Concat(edges...) {
			if e.Type != tracegraph.EdgeContains && e.Type != tracegraph.EdgeConsumed && e.Type != tracegraph.EdgeDerivedFrom {
				continue
			}
			if !standard(&e) {
				continue
			}
			out = append(out, fmt.Sprintf("%s %s %s", e.Source, e.Type, e.Target))
			if !seen[e.Target] {
				seen[e.Target] = true
				frontier = append(frontier, e.Target)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestRoundTripStandardFields exports the demo factory as EPCIS without
// the tg:event extension, so that capture reads only the standard fields
// (and the ILMD's tg:partNumber), and compares the assembly, packing and
// consumption links of every unit's history.
func TestRoundTripStandardFields(t *testing.T) {
	src := demoStore(t, 40)
	doc := exportAll(t, src)
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	for _, e := range d["epcisBody"].(map[string]any)["eventList"].([]any) {
		delete(e.(map[string]any), "tg:event")
	}
	doc, _ = json.Marshal(d)
	v, err := epcis.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	dst := openStore(t)
	p, outs, err := capture(t, v, dst, doc)
	if err != nil {
		t.Fatal(err)
	}
	tl := tracegraph.CountOutcomes(outs)
	if tl.Rejected > 0 {
		for _, o := range outs {
			if o.Status == tracegraph.OutcomeRejected {
				t.Fatalf("capture of the standard fields: %+v, first refusal %s: %v (%s)", tl, o.ID, o.Error, p.Events[o.Index])
			}
		}
	}
	want, got := structure(t, src, src), structure(t, dst, src)
	if len(want) < 100 {
		t.Fatalf("the demo's structure has %d links; want a real one", len(want))
	}
	if !slices.Equal(got, want) {
		missing, extra := diff(want, got), diff(got, want)
		t.Fatalf("structure differs: %d links missing (first %q), %d extra (first %q)", len(missing), first(missing), len(extra), first(extra))
	}
	reasons := map[string]int{}
	for _, n := range p.Notes {
		reasons[n.Reason]++
	}
	t.Logf("%d events captured (%d implicit), %d links alike; notes: %v", tl.Accepted, p.Implicit, len(want), reasons)
}

func diff(a, b []string) []string {
	var out []string
	for _, s := range a {
		if _, ok := slices.BinarySearch(b, s); !ok {
			out = append(out, s)
		}
	}
	return out
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
