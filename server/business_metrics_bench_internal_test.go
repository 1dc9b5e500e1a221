package server

import (
	"context"
	"syscall"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

// followFactoryUnits is the size of the factory the follower is measured
// and checked on.
const followFactoryUnits = 500

// loadFollowFactory opens an embedded store in a temporary directory and
// applies a generated factory of units to it; it returns the store and the
// factory's events.
func loadFollowFactory(tb testing.TB, units int) (*embedded.Store, []*tracegraph.Event) {
	tb.Helper()
	st, err := embedded.Open(tb.TempDir(), embedded.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	var all []*tracegraph.Event
	ApplyFactory(tb, st, units, func(ev *tracegraph.Event) { all = append(all, ev) })
	return st, all
}

// BenchmarkFollowLog times the business metrics' follower reading a whole
// generated factory's log: go test ./server/ -run '^$' -bench FollowLog.
// The sub-benchmark old is the reference follower (refFollower).
func BenchmarkFollowLog(b *testing.B) {
	st, evs := loadFollowFactory(b, followFactoryUnits)
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		readLog func(*business) (uint64, bool)
	}{
		{"new", func(m *business) (uint64, bool) { return m.readLog(ctx, 0) }},
		{"old", func(m *business) (uint64, bool) { return refFollower{m}.readLog(ctx, 0) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU(b)
			for b.Loop() {
				if last, _ := c.readLog(newBusiness(st, 0)); last != uint64(len(evs)) {
					b.Fatalf("read to %d, want %d", last, len(evs))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(evs)), "ns/event")
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N)/float64(len(evs)), "cpu-ns/event")
			b.ReportMetric(float64(len(evs)), "events")
		})
	}
}

// processCPU is the user and system CPU time the process has used, in
// nanoseconds (the collector's workers included).
func processCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
