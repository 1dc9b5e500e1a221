package server

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tracegraph/tracegraph"
)

// createdAt matches the series' creation times, which differ between two
// followers counting the same events.
var createdAt = regexp.MustCompile(`created_timestamp:\{[^}]*\}`)

// gather returns every series of b's collectors as text, in the
// registry's order and without creation times, and by "name{label=value,...}"
// each counter's and gauge's value and each histogram's sample count.
func gather(t *testing.T, b *business) (string, map[string]float64) {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(b.collectors()...)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	vals := map[string]float64{}
	for _, mf := range mfs {
		sb.WriteString(createdAt.ReplaceAllString(mf.String(), ""))
		sb.WriteByte('\n')
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			k := mf.GetName() + "{" + strings.Join(ls, ",") + "}"
			switch {
			case m.GetCounter() != nil:
				vals[k] = m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				vals[k] = float64(m.GetHistogram().GetSampleCount())
			case m.GetGauge() != nil:
				vals[k] = m.GetGauge().GetValue()
			}
		}
	}
	return sb.String(), vals
}

// TestFollowLogCountsAsBefore reads a whole generated factory's log with
// the follower and with the reference one (refFollower, the follower before
// test events were read per page) and wants every series identical; and it
// checks the counts against values computed from the factory's events.
func TestFollowLogCountsAsBefore(t *testing.T) {
	st, evs := loadFollowFactory(t, followFactoryUnits)
	ctx := context.Background()
	ref := newBusiness(st, 0)
	if last, _ := (refFollower{ref}).readLog(ctx, 0); last != uint64(len(evs)) {
		t.Fatalf("reference read to %d, want %d", last, len(evs))
	}
	r, _ := gather(t, ref)
	var vals map[string]float64
	for _, store := range followStores(st) {
		got := newBusiness(store.store, 0)
		if last, _ := got.readLog(ctx, 0); last != uint64(len(evs)) {
			t.Fatalf("%s: read to %d, want %d", store.name, last, len(evs))
		}
		var g string
		if g, vals = gather(t, got); g != r {
			t.Fatalf("%s: the follower's metrics differ from the reference's:\n%s\nreference:\n%s", store.name, g, r)
		}
	}

	// The same counts, from the factory's events: a test is its unit's
	// first of the type when no earlier test of the unit had that type.
	want := map[string]float64{}
	seen := map[string]bool{}
	retests := 0
	for _, ev := range evs {
		want[fmt.Sprintf("tracegraph_log_events_total{type=%s}", ev.Type)]++
		want["tracegraph_ingest_lag_seconds{}"]++
		switch ev.Type {
		case tracegraph.EventUnitCreated:
			want["tracegraph_units_created_total{}"]++
		case tracegraph.EventUnitScrapped:
			want["tracegraph_units_scrapped_total{}"]++
		case tracegraph.EventHoldPlaced:
			want["tracegraph_hold_events_total{change=placed}"]++
		case tracegraph.EventHoldReleased:
			want["tracegraph_hold_events_total{change=released}"]++
		case tracegraph.EventTestRecorded:
			p, err := ev.Payload()
			if err != nil {
				t.Fatal(err)
			}
			d := p.(*tracegraph.TestRecorded)
			tt := strings.ToUpper(d.TestType)
			attempt := "first"
			if k := d.Unit + "\x00" + tt; seen[k] {
				attempt = "retest"
				retests++
			} else {
				seen[k] = true
			}
			result := strings.ToUpper(d.Result)
			if result != "PASS" && result != "FAIL" {
				result = "OTHER"
			}
			want[fmt.Sprintf("tracegraph_tests_total{attempt=%s,result=%s,test_type=%s}", attempt, result, tt)]++
		}
	}
	if retests == 0 {
		t.Fatal("the factory recorded no retest; the check of attempts is vacuous")
	}
	for k, v := range want {
		if vals[k] != v {
			t.Errorf("%s = %v, want %v", k, vals[k], v)
		}
	}
	for k, v := range vals {
		if (strings.HasPrefix(k, "tracegraph_tests_total") || strings.HasPrefix(k, "tracegraph_log_events_total")) && want[k] != v {
			t.Errorf("%s = %v, want %v", k, v, want[k])
		}
	}
}

// eventsOnly hides the embedded store's EventRecords: the follower reads
// it with Events, as it reads a store without records (Neo4j).
type eventsOnly struct{ tracegraph.Store }

// followStores is st as the follower reads it: its records' heads
// (EventRecords), and its events (Events).
func followStores(st tracegraph.Store) []struct {
	name  string
	store tracegraph.Store
} {
	if _, ok := st.(recordReader); !ok {
		panic("the store has no EventRecords")
	}
	return []struct {
		name  string
		store tracegraph.Store
	}{{"records", st}, {"events", eventsOnly{st}}}
}

// TestFollowLogVoidsAndRestarts: after the factory, events voiding tests
// and retests (test data in forms only Payload reads: escapes, a result
// Payload normalizes, a type in another case), followed as they come and
// by followers that start again part-way (a restart counts the events
// after the head it starts at): every series equals the reference
// follower's, over both ways of reading the log.
func TestFollowLogVoidsAndRestarts(t *testing.T) {
	st, evs := loadFollowFactory(t, 100)
	ctx := context.Background()
	var runs []*tracegraph.Event
	for _, ev := range evs {
		if ev.Type == tracegraph.EventTestRecorded {
			runs = append(runs, ev)
		}
	}
	if len(runs) < 3 {
		t.Fatalf("the factory has %d tests", len(runs))
	}
	at := evs[len(evs)-1].Time
	var more []*tracegraph.Event
	add := func(id string, typ tracegraph.EventType, data string) {
		at = at.Add(time.Second)
		more = append(more, &tracegraph.Event{ID: id, Type: typ, Time: at, Data: []byte(data)})
	}
	for i, run := range runs[:3] {
		p, err := run.Payload()
		if err != nil {
			t.Fatal(err)
		}
		d := p.(*tracegraph.TestRecorded)
		add(fmt.Sprintf("x-void-%d", i), tracegraph.EventVoided, fmt.Sprintf(`{"event":%q,"reason":"wrong fixture"}`, run.ID))
		add(fmt.Sprintf("x-retest-%d", i), tracegraph.EventTestRecorded, fmt.Sprintf(`{"unit":%q,"testType":"%s","result":"pass"}`, d.Unit, strings.ToLower(d.TestType)))
		add(fmt.Sprintf("x-escaped-%d", i), tracegraph.EventTestRecorded, fmt.Sprintf(`{"unit":%q,"testType":"\u0049CT-%d","result":"OK"}`, d.Unit, i))
		add(fmt.Sprintf("x-new-%d", i), tracegraph.EventTestRecorded, fmt.Sprintf(`{"result":"failed","testType":"burn-in","unit":%q}`, d.Unit))
	}
	for i := 0; i < len(more); i += 4 { // applied in four batches
		outs, err := st.Apply(ctx, more[i:i+4], tracegraph.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				t.Fatalf("%s: %s %v", o.ID, o.Status, o.Error)
			}
		}
	}
	head := uint64(len(evs) + len(more))
	for _, from := range []uint64{0, uint64(len(evs)) / 2, uint64(len(evs)), head - 5, head} {
		ref := newBusiness(st, 0)
		if last, _ := (refFollower{ref}).readLog(ctx, from); last != head {
			t.Fatalf("reference from %d read to %d, want %d", from, last, head)
		}
		want, _ := gather(t, ref)
		for _, store := range followStores(st) {
			got := newBusiness(store.store, 0)
			if last, _ := got.readLog(ctx, from); last != head {
				t.Fatalf("%s from %d: read to %d, want %d", store.name, from, last, head)
			}
			if g, _ := gather(t, got); g != want {
				t.Fatalf("%s from %d: the follower's metrics differ from the reference's:\n%s\nreference:\n%s", store.name, from, g, want)
			}
		}
	}
}
