package server

import (
	"context"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// testLabels are the label values of one tracegraph_tests_total series.
type testLabels struct{ testType, result, attempt string }

// pendingTest is a test.recorded event of the batch being read, waiting
// for its attempt.
type pendingTest struct {
	id, testType, result string
}

// readLog counts the events after seq and returns the last seq read and
// whether any of them can change the unit gauges. The test events of each
// page of the log are counted together, after the page's other events
// (firstRuns reads their units' runs in three reads per page, not per event).
func (b *business) readLog(ctx context.Context, after uint64) (uint64, bool) {
	dirty := false
	var tests []pendingTest
	for {
		evs, err := b.store.Events(ctx, after, 1000)
		if err != nil || len(evs) == 0 {
			return after, dirty
		}
		tests = tests[:0]
		for _, ev := range evs {
			if ev.Type == tracegraph.EventTestRecorded {
				b.countRecorded(ev)
				if t, ok := testOf(ev); ok {
					tests = append(tests, t)
				}
			} else {
				dirty = b.record(ev) || dirty
			}
			after = ev.Seq
		}
		b.countTests(ctx, tests)
		b.head.Set(float64(after))
	}
}

// countRecorded counts an event in the log's totals and its ingest lag.
func (b *business) countRecorded(ev *tracegraph.Event) {
	t := typeLabel(ev.Type)
	c := b.recordedBy[t]
	if c == nil {
		c = b.recorded.WithLabelValues(t)
		b.recordedBy[t] = c
	}
	c.Inc()
	if !ev.RecordedAt.IsZero() {
		b.lag.Observe(max(0, ev.RecordedAt.Sub(ev.Time).Seconds()))
	}
}

// record counts one recorded event other than a test and reports whether
// it can change the unit gauges.
func (b *business) record(ev *tracegraph.Event) bool {
	b.countRecorded(ev)
	switch ev.Type {
	case tracegraph.EventUnitCreated:
		b.unitsMade.Inc()
	case tracegraph.EventUnitScrapped:
		b.scrapped.Inc()
	case tracegraph.EventHoldPlaced:
		b.holdPlaced.Inc()
	case tracegraph.EventHoldReleased:
		b.holdReleased.Inc()
	case tracegraph.EventProcessRecorded, tracegraph.EventReadingRecorded, tracegraph.EventLotReceived,
		tracegraph.EventWaferRegistered, tracegraph.EventComponentReceived, tracegraph.EventIdentifierAssigned:
		return false
	}
	return true
}

// testOf reads a test event's type and result, as Payload gives them
// (scanTest reads them from plain data, Payload otherwise); false when its
// data does not decode (such an event is not counted as a test).
func testOf(ev *tracegraph.Event) (pendingTest, bool) {
	if tt, res, ok := scanTest(ev.Data); ok {
		return pendingTest{id: ev.ID, testType: tt, result: res}, true
	}
	p, err := ev.Payload()
	if err != nil {
		return pendingTest{}, false
	}
	d, ok := p.(*tracegraph.TestRecorded)
	if !ok {
		return pendingTest{}, false
	}
	return pendingTest{id: ev.ID, testType: d.TestType, result: d.Result}, true
}

// countTests counts tests by type, result and attempt, in the order of
// the log (which decides the test types that get a label of their own).
func (b *business) countTests(ctx context.Context, tests []pendingTest) {
	if len(tests) == 0 {
		return
	}
	first := b.firstRuns(ctx, tests)
	for i, t := range tests {
		attempt := "retest"
		if first[i] {
			attempt = "first"
		}
		result := strings.ToUpper(t.result)
		if result != "PASS" && result != "FAIL" {
			result = "OTHER"
		}
		k := testLabels{b.testTypeLabel(t.testType), result, attempt}
		c := b.testsBy[k]
		if c == nil {
			c = b.tests.WithLabelValues(k.testType, k.result, k.attempt)
			b.testsBy[k] = c
		}
		c.Inc()
	}
}

// firstRuns reports, for each test, whether its test run is its unit's
// first of the test type: the unit has no run of that type through an
// earlier TESTED_BY edge. It reads the runs' edges, their units' edges and
// the earlier runs once for all the tests (three reads); a test whose
// reads fail counts as a retest.
func (b *business) firstRuns(ctx context.Context, tests []pendingTest) []bool {
	first := make([]bool, len(tests))
	testedBy := []tracegraph.EdgeType{tracegraph.EdgeTestedBy}
	runs := make([]tracegraph.ID, len(tests))
	for i, t := range tests {
		runs[i] = tracegraph.NewID(tracegraph.LabelTestRun, t.id)
	}
	in, err := b.store.Edges(ctx, runs, tracegraph.EdgeQuery{Direction: tracegraph.Downstream, Types: testedBy})
	if err != nil || len(in) != len(tests) {
		return first
	}
	// The unit of each test (its run's first TESTED_BY edge), and the
	// units to read, each once.
	var units []tracegraph.ID
	unitAt := map[tracegraph.ID]int{}
	for _, es := range in {
		if len(es) == 0 {
			continue
		}
		if _, ok := unitAt[es[0].Source]; !ok {
			unitAt[es[0].Source] = len(units)
			units = append(units, es[0].Source)
		}
	}
	if len(units) == 0 {
		return first
	}
	unitRuns, err := b.store.Edges(ctx, units, tracegraph.EdgeQuery{Direction: tracegraph.Upstream, Types: testedBy})
	if err != nil || len(unitRuns) != len(units) {
		return first
	}
	// The earlier runs of each test, and the runs to read, each once.
	earlier := make([][]tracegraph.ID, len(tests))
	var read []tracegraph.ID
	readAt := map[tracegraph.ID]int{}
	for i, es := range in {
		if len(es) == 0 {
			continue
		}
		mine := es[0]
		for _, e := range unitRuns[unitAt[mine.Source]] {
			if e.ID < mine.ID {
				earlier[i] = append(earlier[i], e.Target)
				if _, ok := readAt[e.Target]; !ok {
					readAt[e.Target] = len(read)
					read = append(read, e.Target)
				}
			}
		}
		first[i] = len(earlier[i]) == 0
	}
	if len(read) == 0 {
		return first
	}
	nodes, err := b.store.Nodes(ctx, read)
	if err != nil || len(nodes) != len(read) {
		return first
	}
	for i, ids := range earlier {
		if len(ids) == 0 {
			continue
		}
		first[i] = true
		for _, id := range ids {
			if n := nodes[readAt[id]]; n != nil && strings.EqualFold(n.Str("testType"), tests[i].testType) {
				first[i] = false
				break
			}
		}
	}
	return first
}
