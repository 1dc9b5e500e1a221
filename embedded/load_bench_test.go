package embedded

import (
	"context"
	"flag"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

var loadUnits = flag.Int("load-units", 1000, "units of the factory BenchmarkLoad generates and loads")

// BenchmarkLoad is `serve --demo`'s load: a generated factory streamed into
// an empty durable store in batches of 1,000, one batch at a time. It
// reports events/s and the process's CPU time per event (which a loaded
// machine inflates less than wall time).
//
//	go test ./embedded/ -run '^$' -bench Load -benchtime 3x -load-units 1000
func BenchmarkLoad(b *testing.B) {
	var events int
	var cpu, wall time.Duration
	for b.Loop() {
		s, err := Open(b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		n, c, w := loadFactory(b, s)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		events, cpu, wall = events+n, cpu+c, wall+w
	}
	b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(events), "cpu-µs/event")
}

// loadFactory generates the factory into s and returns the events applied,
// the CPU time and the wall time.
func loadFactory(b *testing.B, s *Store) (int, time.Duration, time.Duration) {
	ctx := context.Background()
	batch := make([]*tracegraph.Event, 0, 1000)
	apply := func() {
		applyAccepted(b, s, batch)
		batch = batch[:0]
	}
	cpu0, start := cpuTime(), time.Now()
	sum, err := factory.Generate(ctx, factory.Config{Units: *loadUnits, Seed: 1}, func(e *tracegraph.Event) error {
		if batch = append(batch, e); len(batch) == cap(batch) {
			apply()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if len(batch) > 0 {
		apply()
	}
	return int(sum.Events), cpuTime() - cpu0, time.Since(start)
}

// applyAccepted applies batch to s and fails b unless every event is
// accepted.
func applyAccepted(b *testing.B, s *Store, batch []*tracegraph.Event) {
	b.Helper()
	outs, err := s.Apply(context.Background(), batch, tracegraph.ApplyOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != tracegraph.OutcomeAccepted {
			b.Fatalf("event %q: %s %v", o.ID, o.Status, o.Error)
		}
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
