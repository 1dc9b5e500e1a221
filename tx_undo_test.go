package tracegraph_test

import (
	"context"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestEventsIntoTheBatch projects the golden scenarios twice, layered as
// the writer layers them: once with every event in a Tx of its own over
// its batch's (as before the undo log), once with each event projected
// straight into its batch's Tx (falling back to a Tx of its own where
// their reads would differ). The outcomes, accepted events and mutations
// are the same, and the golden file's; the scenarios make events fall
// back for each reason that voids and corrections give.
func TestEventsIntoTheBatch(t *testing.T) {
	want := readRulesGolden(t)
	fallbacks := map[string]int{}
	for _, sc := range rulesScenarios(t) {
		layered := projectDigestLayered(t, sc, layering{project: func(ctx context.Context, base tracegraph.GraphReader, events []*tracegraph.Event, opts tracegraph.ApplyOptions, firstSeq uint64) (*tracegraph.BatchResult, error) {
			return tracegraph.ProjectBatchProjecting(ctx, base, events, opts, firstSeq, true, nil)
		}})
		flat := projectDigestLayered(t, sc, layering{project: func(ctx context.Context, base tracegraph.GraphReader, events []*tracegraph.Event, opts tracegraph.ApplyOptions, firstSeq uint64) (*tracegraph.BatchResult, error) {
			return tracegraph.ProjectBatchProjecting(ctx, base, events, opts, firstSeq, false, fallbacks)
		}})
		if layered != want[sc.name] {
			t.Errorf("%s layered:\n got %s\nwant %s", sc.name, layered, want[sc.name])
		}
		if flat != layered {
			t.Errorf("%s into the batch:\n got %s\nwant %s", sc.name, flat, layered)
		}
	}
	t.Logf("fell back: %v", fallbacks)
}

// TestEventsTakenOutOfTheBatch projects the golden scenarios as the writer
// layers them, checking that every event taken out of its batch's Tx
// again (refused after it changed something, or fallen back) leaves the
// Tx exactly as it was before the event.
func TestEventsTakenOutOfTheBatch(t *testing.T) {
	var n int
	for _, sc := range rulesScenarios(t) {
		projectDigestLayered(t, sc, layering{project: func(ctx context.Context, base tracegraph.GraphReader, events []*tracegraph.Event, opts tracegraph.ApplyOptions, firstSeq uint64) (*tracegraph.BatchResult, error) {
			res, k, errs := tracegraph.ProjectBatchRollingBack(ctx, base, events, opts, firstSeq)
			n += k
			for _, err := range errs {
				t.Errorf("%s: %v", sc.name, err)
			}
			return res, nil
		}})
	}
	if n == 0 {
		t.Fatal("no event was taken out")
	}
	t.Logf("%d events taken out", n)
}
