package server

import (
	"context"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// refFollower is the business metrics' follower as it was before it read
// test events in batches (Events, then per test event Payload and three
// store reads): the reference the faster one is checked against, and the
// "old" side of BenchmarkFollowLog.
type refFollower struct{ *business }

func (b refFollower) readLog(ctx context.Context, after uint64) (uint64, bool) {
	dirty := false
	for {
		evs, err := b.store.Events(ctx, after, 1000)
		if err != nil || len(evs) == 0 {
			return after, dirty
		}
		for _, ev := range evs {
			dirty = b.record(ctx, ev) || dirty
			after = ev.Seq
		}
		b.head.Set(float64(after))
	}
}

func (b refFollower) record(ctx context.Context, ev *tracegraph.Event) bool {
	b.recorded.WithLabelValues(typeLabel(ev.Type)).Inc()
	if !ev.RecordedAt.IsZero() {
		b.lag.Observe(max(0, ev.RecordedAt.Sub(ev.Time).Seconds()))
	}
	switch ev.Type {
	case tracegraph.EventUnitCreated:
		b.unitsMade.Inc()
	case tracegraph.EventUnitScrapped:
		b.scrapped.Inc()
	case tracegraph.EventHoldPlaced:
		b.holds.WithLabelValues("placed").Inc()
	case tracegraph.EventHoldReleased:
		b.holds.WithLabelValues("released").Inc()
	case tracegraph.EventTestRecorded:
		b.recordTest(ctx, ev)
		return false
	case tracegraph.EventProcessRecorded, tracegraph.EventReadingRecorded, tracegraph.EventLotReceived,
		tracegraph.EventWaferRegistered, tracegraph.EventComponentReceived, tracegraph.EventIdentifierAssigned:
		return false
	}
	return true
}

func (b refFollower) recordTest(ctx context.Context, ev *tracegraph.Event) {
	p, err := ev.Payload()
	if err != nil {
		return
	}
	d, ok := p.(*tracegraph.TestRecorded)
	if !ok {
		return
	}
	attempt := "retest"
	if first, err := b.firstRun(ctx, ev.ID, d.TestType); err == nil && first {
		attempt = "first"
	}
	result := strings.ToUpper(d.Result)
	if result != "PASS" && result != "FAIL" {
		result = "OTHER"
	}
	b.tests.WithLabelValues(b.testTypeLabel(d.TestType), result, attempt).Inc()
}

func (b refFollower) firstRun(ctx context.Context, id, testType string) (bool, error) {
	run := tracegraph.NewID(tracegraph.LabelTestRun, id)
	in, err := b.store.Edges(ctx, []tracegraph.ID{run}, tracegraph.EdgeQuery{Direction: tracegraph.Downstream,
		Types: []tracegraph.EdgeType{tracegraph.EdgeTestedBy}})
	if err != nil || len(in) != 1 || len(in[0]) == 0 {
		return false, err
	}
	mine := in[0][0]
	runs, err := b.store.Edges(ctx, []tracegraph.ID{mine.Source}, tracegraph.EdgeQuery{Direction: tracegraph.Upstream,
		Types: []tracegraph.EdgeType{tracegraph.EdgeTestedBy}})
	if err != nil || len(runs) != 1 {
		return false, err
	}
	var earlier []tracegraph.ID
	for _, e := range runs[0] {
		if e.ID < mine.ID {
			earlier = append(earlier, e.Target)
		}
	}
	if len(earlier) == 0 {
		return true, nil
	}
	nodes, err := b.store.Nodes(ctx, earlier)
	if err != nil {
		return false, err
	}
	for _, n := range nodes {
		if n != nil && strings.EqualFold(n.Str("testType"), testType) {
			return false, nil
		}
	}
	return true, nil
}
