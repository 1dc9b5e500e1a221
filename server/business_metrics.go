package server

import (
	"cmp"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/version"
)

// DefaultMetricsRefresh is how often, at most, the unit gauges are counted
// again after events that can change them (Config.MetricsRefresh).
const DefaultMetricsRefresh = 5 * time.Second

// maxTestTypeLabels bounds the test types that get a label of their own;
// the rest are counted as "OTHER".
const maxTestTypeLabels = 32

// The unit statuses the tracegraph_units gauge reports.
var unitStatuses = []string{tracegraph.StatusWIP, tracegraph.StatusCompleted, tracegraph.StatusShipped, tracegraph.StatusScrapped}

// business holds the production and quality metrics: what became of the
// events this process received (from Apply's outcomes), and what the log
// recorded (followed from the store's change feed, so events written by
// any process count): units made and scrapped, tests and first-pass yield,
// holds, ingest lag and the head. Nothing is counted at scrape time: the
// gauges of units by status and on hold are counted again, at most every
// Config.MetricsRefresh, after events that can change them.
type business struct {
	store   tracegraph.Store
	refresh time.Duration

	byType    *prometheus.CounterVec // type, outcome
	refused   *prometheus.CounterVec // type, code
	recorded  *prometheus.CounterVec // type
	unitsMade prometheus.Counter
	scrapped  prometheus.Counter
	tests     *prometheus.CounterVec // test_type, result, attempt
	lag       prometheus.Histogram
	head      prometheus.Gauge
	units     *prometheus.GaugeVec // status
	onHold    prometheus.Gauge
	holds     *prometheus.CounterVec // change
	build     *prometheus.GaugeVec

	mu        sync.Mutex // guards testTypes
	testTypes map[string]bool

	// The follower's label children, by label values, so that counting an
	// event hashes no labels (used by the one follower goroutine only).
	recordedBy   map[string]prometheus.Counter
	testsBy      map[testLabels]prometheus.Counter
	holdPlaced   prometheus.Counter
	holdReleased prometheus.Counter
	heads        tracegraph.HeadReader // reads the records' heads
	page         []logEvent            // the page of the log being counted
}

func newBusiness(store tracegraph.Store, refresh time.Duration) *business {
	if refresh <= 0 {
		refresh = DefaultMetricsRefresh
	}
	b := &business{
		store: store, refresh: refresh, testTypes: map[string]bool{},
		recordedBy: map[string]prometheus.Counter{}, testsBy: map[testLabels]prometheus.Counter{},
		byType: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_events_by_type_total",
			Help: "Events this process received, by event type and outcome (accepted, duplicate, rejected).",
		}, []string{"type", "outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_events_refused_total",
			Help: "Events refused, by event type and error code (INVALID, NOT_FOUND, CONFLICT, ON_HOLD, ...).",
		}, []string{"type", "code"}),
		recorded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_log_events_total",
			Help: "Events the event log recorded since this process started, by type (from every writer).",
		}, []string{"type"}),
		unitsMade: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tracegraph_units_created_total",
			Help: "Units created (unit.created events recorded).",
		}),
		scrapped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tracegraph_units_scrapped_total",
			Help: "Units scrapped (unit.scrapped events recorded).",
		}),
		tests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_tests_total",
			Help: "Tests recorded, by test type, result (PASS, FAIL, OTHER) and attempt (first: the unit's first test of that type; retest). First-pass yield is first PASS over first.",
		}, []string{"test_type", "result", "attempt"}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "tracegraph_ingest_lag_seconds",
			Help:    "Time from an event's time (the shop floor's clock) to its recording.",
			Buckets: []float64{.1, .5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600},
		}),
		head: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tracegraph_log_head_seq",
			Help: "The seq of the last event in the log.",
		}),
		units: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "tracegraph_units",
			Help: "Units by status (WIP, COMPLETED, SHIPPED, SCRAPPED), counted again after changes.",
		}, []string{"status"}),
		onHold: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tracegraph_units_on_hold",
			Help: "Units with a hold in force (on themselves or material in them), counted again after changes.",
		}),
		holds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_hold_events_total",
			Help: "Hold events recorded, by change (placed, released).",
		}, []string{"change"}),
		build: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "tracegraph_build_info",
			Help: "Always 1: the running build's module version, VCS revision and time, and Go version.",
		}, []string{"version", "revision", "time", "goversion"}),
	}
	in := version.Get()
	b.build.WithLabelValues(in.Version, in.Revision, in.Time, in.GoVersion).Set(1)
	for _, o := range []string{tracegraph.OutcomeAccepted, tracegraph.OutcomeDuplicate, tracegraph.OutcomeRejected} {
		for _, t := range tracegraph.AllEventTypes() {
			b.byType.WithLabelValues(string(t), o)
		}
	}
	b.holdPlaced = b.holds.WithLabelValues("placed")
	b.holdReleased = b.holds.WithLabelValues("released")
	return b
}

func (b *business) collectors() []prometheus.Collector {
	return []prometheus.Collector{b.byType, b.refused, b.recorded, b.unitsMade, b.scrapped, b.tests, b.lag, b.head,
		b.units, b.onHold, b.holds, b.build}
}

// typeLabel bounds the type label to the known event types.
func typeLabel(t tracegraph.EventType) string {
	if t.Valid() {
		return string(t)
	}
	return "unknown"
}

// codeLabel bounds the code label to the domain's codes.
func codeLabel(e *tracegraph.Error) string {
	if e == nil {
		return "UNKNOWN"
	}
	switch e.Code {
	case tracegraph.CodeNotFound, tracegraph.CodeInvalid, tracegraph.CodeConflict, tracegraph.CodeOnHold,
		tracegraph.CodeWrongPart, tracegraph.CodeExpired, tracegraph.CodeRoute, tracegraph.CodeNotAllocated, tracegraph.CodeForbidden, tracegraph.CodeUnauthenticated, tracegraph.CodeLimit, tracegraph.CodeInternal:
		return string(e.Code)
	}
	return "OTHER"
}

// countOutcomes counts a batch's outcomes by type, and refusals by code.
// Aborted events and conflicting duplicates count as rejected, as in
// tracegraph_events_total.
func (b *business) countOutcomes(outs []tracegraph.Outcome) {
	for _, o := range outs {
		t := typeLabel(o.Type)
		switch {
		case o.Status == tracegraph.OutcomeAccepted:
			b.byType.WithLabelValues(t, tracegraph.OutcomeAccepted).Inc()
		case o.Status == tracegraph.OutcomeDuplicate && o.Error == nil:
			b.byType.WithLabelValues(t, tracegraph.OutcomeDuplicate).Inc()
		default:
			b.byType.WithLabelValues(t, tracegraph.OutcomeRejected).Inc()
			b.refused.WithLabelValues(t, codeLabel(o.Error)).Inc()
		}
	}
}

// follow counts the events after seq that changes announces, until ctx
// ends; it counts the unit gauges at start and again at most every refresh
// after events that can change them.
func (b *business) follow(ctx context.Context, changes <-chan uint64, after uint64) {
	b.head.Set(float64(after))
	dirty := b.countUnits(ctx) != nil
	tick := time.NewTicker(b.refresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-changes:
			if !ok {
				return
			}
			var d bool
			after, d = b.readLog(ctx, after)
			dirty = dirty || d
		case <-tick.C:
			if dirty {
				// A count that failed is tried again at the next tick.
				dirty = b.countUnits(ctx) != nil
			}
		}
	}
}

// testTypeLabel bounds the test_type label: upper case, the first
// maxTestTypeLabels types seen, then "OTHER".
func (b *business) testTypeLabel(t string) string {
	t = strings.ToUpper(t)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.testTypes[t] {
		return t
	}
	if len(b.testTypes) >= maxTestTypeLabels {
		return "OTHER"
	}
	b.testTypes[t] = true
	return t
}

// countUnits counts the units by status and on hold (totals of one-row
// pages: the stores count them from their indexes). It returns the first
// error; the gauges it could not count keep their values.
func (b *business) countUnits(ctx context.Context) error {
	var first error
	for _, st := range unitStatuses {
		p, err := b.store.Units(ctx, tracegraph.UnitFilter{Status: st}, tracegraph.Page{First: 1})
		if err != nil {
			first = cmp.Or(first, err)
			continue
		}
		b.units.WithLabelValues(st).Set(float64(p.TotalCount))
	}
	held := true
	p, err := b.store.Units(ctx, tracegraph.UnitFilter{OnHold: &held}, tracegraph.Page{First: 1})
	if err != nil {
		return cmp.Or(first, err)
	}
	b.onHold.Set(float64(p.TotalCount))
	return first
}

// followLog starts following the log for the business metrics from its
// head now (so that every event acknowledged after Serve began is counted)
// and returns the function that stops it and waits for it (Serve owns it).
func (s *Server) followLog() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	changes := s.cfg.Store.Changes(ctx)
	after, _, err := s.cfg.Store.Head(ctx)
	if err != nil {
		s.log.Warn("metrics: the store's head could not be read; the log's metrics stay at zero", "err", err)
		cancel()
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.metrics.business.follow(ctx, changes, after)
	}()
	return func() {
		cancel()
		<-done
	}
}
