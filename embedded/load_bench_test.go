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
		n, c, w := loadFactory(b, s, 1)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		events, cpu, wall = events+n, cpu+c, wall+w
	}
	b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(events), "cpu-µs/event")
}

var loadWindow = flag.Int("load-window", 2, "batches BenchmarkLoadBulk keeps in flight")

// BenchmarkLoadBulk is BenchmarkLoad as `serve --demo` and `import --bulk`
// load: into a store in bulk mode (no write-ahead log, one flush at Close),
// with -load-window batches in flight (Submit), generated beside.
//
//	go test ./embedded/ -run '^$' -bench LoadBulk -benchtime 3x -load-units 1000
func BenchmarkLoadBulk(b *testing.B) {
	var events int
	var cpu, wall time.Duration
	for b.Loop() {
		s, err := Open(b.TempDir(), Options{Bulk: true})
		if err != nil {
			b.Fatal(err)
		}
		n, c, w := loadFactory(b, s, *loadWindow)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		events, cpu, wall = events+n, cpu+c, wall+w
	}
	b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(events), "cpu-µs/event")
}

// loadFactory generates the factory into s, with up to window batches in
// flight, and returns the events applied, the CPU time and the wall time
// (in bulk mode, to the flush that makes the load durable).
func loadFactory(b *testing.B, s *Store, window int) (int, time.Duration, time.Duration) {
	ctx := context.Background()
	batch := make([]*tracegraph.Event, 0, 1000)
	var waits []func() ([]tracegraph.Outcome, error)
	wait := func() {
		waitAccepted(b, waits[0])
		waits = waits[1:]
	}
	apply := func() {
		if len(waits) == window {
			wait()
		}
		waits = append(waits, s.Submit(ctx, batch, tracegraph.ApplyOptions{}))
		batch = make([]*tracegraph.Event, 0, 1000)
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
	for len(waits) > 0 {
		wait()
	}
	if s.opts.Bulk { // what makes a bulk load durable
		if err := s.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	return int(sum.Events), cpuTime() - cpu0, time.Since(start)
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// applyAccepted applies batch to s and fails b unless every event is
// accepted.
func applyAccepted(b testing.TB, s *Store, batch []*tracegraph.Event) {
	b.Helper()
	waitAccepted(b, func() ([]tracegraph.Outcome, error) {
		return s.Apply(context.Background(), batch, tracegraph.ApplyOptions{})
	})
}

// waitAccepted waits for a submitted batch and fails unless every event of
// it was accepted.
func waitAccepted(b testing.TB, wait func() ([]tracegraph.Outcome, error)) {
	b.Helper()
	outs, err := wait()
	if err != nil {
		b.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != tracegraph.OutcomeAccepted {
			b.Fatalf("event %q: %s %v", o.ID, o.Status, o.Error)
		}
	}
}
