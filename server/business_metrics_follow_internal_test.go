package server

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

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
	got, ref := newBusiness(st, 0), newBusiness(st, 0)
	if last, _ := got.readLog(ctx, 0); last != uint64(len(evs)) {
		t.Fatalf("read to %d, want %d", last, len(evs))
	}
	if last, _ := (refFollower{ref}).readLog(ctx, 0); last != uint64(len(evs)) {
		t.Fatalf("reference read to %d, want %d", last, len(evs))
	}
	g, vals := gather(t, got)
	if r, _ := gather(t, ref); g != r {
		t.Fatalf("the follower's metrics differ from the reference's:\n%s\nreference:\n%s", g, r)
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
