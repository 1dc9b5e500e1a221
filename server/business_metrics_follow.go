package server

import (
	"bytes"
	"context"
	"strings"
	"time"

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
// A page that cannot be read whole is not counted (it is read again after
// the next change).
func (b *business) readLog(ctx context.Context, after uint64) (uint64, bool) {
	dirty := false
	var tests []pendingTest
	for {
		page, err := b.readPage(ctx, after)
		if err != nil || len(page) == 0 {
			return after, dirty
		}
		tests = tests[:0]
		for i := range page {
			ev := &page[i]
			b.countRecorded(ev)
			if ev.typ == tracegraph.EventTestRecorded {
				if ev.testOK {
					tests = append(tests, ev.test)
				}
			} else {
				dirty = b.record(ev.typ) || dirty
			}
			after = ev.seq
		}
		b.countTests(ctx, tests)
		b.head.Set(float64(after))
	}
}

// logEvent is what the follower counts of an event of the log: its seq,
// type and times, and for a test its type and result (testOK false when
// its data does not decode: such an event is not counted as a test).
type logEvent struct {
	seq      uint64
	typ      tracegraph.EventType
	time, at time.Time
	test     pendingTest
	testOK   bool
}

// recordReader is a store that hands out the log's records undecoded
// (embedded.Store.EventRecords); the follower then reads only their heads
// (tracegraph.HeadReader). Other stores are read with Events.
type recordReader interface {
	EventRecords(ctx context.Context, after uint64, limit int, fn func(rec []byte) error) error
}

// readPage reads the next page of the log after seq (up to followPage
// events), whole or not at all.
func (b *business) readPage(ctx context.Context, after uint64) ([]logEvent, error) {
	b.page = b.page[:0]
	rr, ok := b.store.(recordReader)
	if !ok {
		evs, err := b.store.Events(ctx, after, followPage)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			b.page = append(b.page, logEventOf(ev.Seq, ev.Type, ev.Time, ev.RecordedAt, ev.ID, ev.Data))
		}
		return b.page, nil
	}
	err := rr.EventRecords(ctx, after, followPage, func(rec []byte) error {
		h, err := b.heads.Read(rec)
		if err != nil {
			return err
		}
		id := ""
		if h.Type == tracegraph.EventTestRecorded {
			id = string(h.ID)
		}
		b.page = append(b.page, logEventOf(h.Seq, h.Type, h.Time, h.RecordedAt, id, h.Data))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.page, nil
}

// followPage is how many events the follower reads at a time.
const followPage = 1000

// logEventOf makes the logEvent of an event; id and data matter for a
// test only (data is not kept).
func logEventOf(seq uint64, typ tracegraph.EventType, at, recordedAt time.Time, id string, data []byte) logEvent {
	ev := logEvent{seq: seq, typ: typ, time: at, at: recordedAt}
	if typ == tracegraph.EventTestRecorded {
		ev.test, ev.testOK = testOf(id, data)
	}
	return ev
}

// countRecorded counts an event in the log's totals and its ingest lag.
func (b *business) countRecorded(ev *logEvent) {
	t := typeLabel(ev.typ)
	c := b.recordedBy[t]
	if c == nil {
		c = b.recorded.WithLabelValues(t)
		b.recordedBy[t] = c
	}
	c.Inc()
	if !ev.at.IsZero() {
		b.lag.Observe(max(0, ev.at.Sub(ev.time).Seconds()))
	}
}

// record counts one recorded event of type t other than a test (beyond
// countRecorded) and reports whether it can change the unit gauges.
func (b *business) record(t tracegraph.EventType) bool {
	switch t {
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

// testOf reads the type and result of test event id from its data, as
// Payload gives them (scanTest reads them from plain data, Payload
// otherwise); false when its data does not decode.
func testOf(id string, data []byte) (pendingTest, bool) {
	if tt, res, ok := scanTest(data); ok {
		return pendingTest{id: id, testType: tt, result: res}, true
	}
	ev := tracegraph.Event{Type: tracegraph.EventTestRecorded, Data: bytes.Clone(data)}
	p, err := ev.Payload()
	if err != nil {
		return pendingTest{}, false
	}
	d, ok := p.(*tracegraph.TestRecorded)
	if !ok {
		return pendingTest{}, false
	}
	return pendingTest{id: id, testType: d.TestType, result: d.Result}, true
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
