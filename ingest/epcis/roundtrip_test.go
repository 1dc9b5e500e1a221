package epcis_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/ingest/epcis"
)

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
			r, err := epcis.Render(ev, voided)
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

// genealogy is every unit's upstream trace over history, as text.
func genealogy(t *testing.T, st tracegraph.Store) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
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
			for _, n := range res.Nodes {
				out = append(out, fmt.Sprintf("%s node %s d%d %s %s", u.ID, n.ID, n.Depth, n.Precision, n.Status))
			}
			for _, e := range res.Edges {
				out = append(out, fmt.Sprintf("%s edge %s %s %s %s", u.ID, e.Source, e.Type, e.Target, e.Precision))
			}
		}
		if !up.HasNextPage {
			break
		}
		page.After = up.Cursors[len(up.Cursors)-1]
	}
	slices.Sort(out)
	return out
}

// TestRoundTrip exports a demo factory as EPCIS, captures it into an empty
// store and compares the genealogy of every unit; capturing the export into
// the store it came from changes nothing.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := openStore(t)
	var batch []*tracegraph.Event
	flush := func() {
		if len(batch) == 0 {
			return
		}
		outs, err := src.Apply(ctx, batch, tracegraph.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tl := tracegraph.CountOutcomes(outs); tl.Rejected > 0 {
			t.Fatalf("the factory's events: %+v", tl)
		}
		batch = batch[:0]
	}
	if _, err := factory.Generate(ctx, factory.Config{Units: 40, Seed: 1}, func(ev *tracegraph.Event) error {
		if batch = append(batch, ev); len(batch) == 500 {
			flush()
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	flush()
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
