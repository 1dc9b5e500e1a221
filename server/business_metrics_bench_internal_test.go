package server

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
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

// threadCPU is the user and system CPU time the calling thread has used,
// in nanoseconds.
func threadCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
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

// BenchmarkFollowWakes times the follower reading the log as it grows, a
// read after every commit of the given number of events: 200 is a group
// commit under durable ingest (the follower reads at every change), 2,500
// what 50 ms of changes would hold at 50,000 events/s. Only the reads are
// timed, in CPU time of the thread reading (read-cpu-ns/event). Reading
// less often costs more an event, not less (docs/bench-ingest.md, "Eighth
// pass"), so the follower reads at every change.
//
//	go test ./server/ -run '^$' -bench FollowWakes -benchtime 1x
func BenchmarkFollowWakes(b *testing.B) {
	ctx := context.Background()
	var evs []*tracegraph.Event
	if _, err := factory.Generate(ctx, factory.Config{Units: 4 * followFactoryUnits, Seed: 1}, func(ev *tracegraph.Event) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	for _, every := range []int{200, 2500} {
		b.Run(fmt.Sprint(every), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var read int64
			for b.Loop() {
				b.StopTimer()
				st, err := embedded.Open(b.TempDir(), embedded.Options{})
				if err != nil {
					b.Fatal(err)
				}
				m := newBusiness(st, 0)
				after := uint64(0)
				for i := 0; i < len(evs); i += every {
					chunk := make([]*tracegraph.Event, 0, every)
					for _, ev := range evs[i:min(i+every, len(evs))] {
						c := *ev
						chunk = append(chunk, &c)
					}
					if _, err := st.Apply(ctx, chunk, tracegraph.ApplyOptions{}); err != nil {
						b.Fatal(err)
					}
					t0 := threadCPU(b)
					after, _ = m.readLog(ctx, after)
					read += threadCPU(b) - t0
				}
				if after != uint64(len(evs)) {
					b.Fatalf("read to %d, want %d", after, len(evs))
				}
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(read)/float64(b.N)/float64(len(evs)), "read-cpu-ns/event")
		})
	}
}
