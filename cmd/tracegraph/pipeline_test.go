package main

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
)

// TestPipelineAppliesInOrder: batches applied through a pipeline with several
// in flight get the outcomes, the log and the graph that applying them one
// after another gives, in order (and a refusal among them is an outcome in
// its place).
func TestPipelineAppliesInOrder(t *testing.T) {
	ctx := context.Background()
	var events []*tracegraph.Event
	if _, err := factory.Generate(ctx, factory.Config{Units: 200, Seed: 3}, func(ev *tracegraph.Event) error {
		events = append(events, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	load := func(depth int) ([]string, []string, tracegraph.Stats) {
		st, err := embedded.Open(filepath.Join(t.TempDir(), "data"), embedded.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var outcomes []string
		p := &pipeline{store: st, depth: depth, done: func(batch []*tracegraph.Event, outs []tracegraph.Outcome) error {
			if len(outs) != len(batch) {
				return fmt.Errorf("%d outcomes for %d events", len(outs), len(batch))
			}
			for i, o := range outs {
				outcomes = append(outcomes, fmt.Sprintf("%s %s %d %v", batch[i].ID, o.Status, o.Seq, o.Error))
			}
			return nil
		}}
		for i := 0; i < len(events); i += 100 {
			batch := make([]*tracegraph.Event, 0, 101)
			for _, ev := range events[i:min(i+100, len(events))] {
				batch = append(batch, ev.Unsealed())
			}
			if i == 300 { // an event the rules refuse, in the middle: the 401st outcome
				batch = append(batch, &tracegraph.Event{ID: "bad", Type: tracegraph.EventPacked, Time: events[i].Time, Data: []byte(`{"container":"Box:X","items":["Unit:NONE"]}`)})
			}
			if err := p.apply(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.flush(); err != nil {
			t.Fatal(err)
		}
		logged, err := st.Events(ctx, 0, len(events)+1)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, ev := range logged {
			ids = append(ids, fmt.Sprintf("%d %s", ev.Seq, ev.ID))
		}
		stats, err := st.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return outcomes, ids, stats
	}
	outs1, log1, stats1 := load(1)
	outs4, log4, stats4 := load(4)
	if len(outs1) != len(events)+1 || outs1[400][:4] != "bad " || !strings.Contains(outs1[400], "rejected") {
		t.Fatalf("%d outcomes, the refused one %q", len(outs1), outs1[min(400, len(outs1)-1)])
	}
	if !slices.Equal(outs1, outs4) {
		t.Error("the outcomes differ with four batches in flight")
	}
	if !slices.Equal(log1, log4) || stats1.Events != stats4.Events || !reflect.DeepEqual(stats1.Nodes, stats4.Nodes) || !reflect.DeepEqual(stats1.Edges, stats4.Edges) {
		t.Errorf("the stores differ: %d and %d events logged, %+v and %+v", len(log1), len(log4), stats1, stats4)
	}
}
