package embedded

import (
	"context"
	"errors"
	"fmt"
	"runtime/trace"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// BenchmarkDurableIngest is the bench's Store.Apply row of durable ingest
// in small (`tracegraph bench --only ingest`): 16 clients, each with its
// own site's stream, in batches of 50 acknowledged after fsync, into a
// fresh synced store. One op is one event; it reports CPU µs per event
// (the process's, clients included). Run it with -trace to see where the
// two cores sit idle.
func BenchmarkDurableIngest(b *testing.B) {
	const clients, batch = 16, 50
	per := max(b.N/clients, batch)
	streams := make([][][]*tracegraph.Event, clients)
	for c := range clients {
		fc := factory.Config{Units: per/10 + 10, Seed: 1 + uint64(c), Site: fmt.Sprintf("B%d", c)}
		var st []*tracegraph.Event
		_, err := factory.Generate(context.Background(), fc, func(e *tracegraph.Event) error {
			if len(st) >= per {
				return errEnoughEvents
			}
			st = append(st, e)
			return e.Normalize()
		})
		if err != nil && !errors.Is(err, errEnoughEvents) {
			b.Fatal(err)
		}
		for i := 0; i < len(st); i += batch {
			streams[c] = append(streams[c], st[i:min(i+batch, len(st))])
		}
	}
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, clients)
	b.ResetTimer()
	cpu0, t0 := cpuTime(), time.Now()
	trace.Log(ctx, "bench", "start") // marks the timed part in an execution trace
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, bt := range streams[c] {
				outs, err := s.Apply(ctx, bt, tracegraph.ApplyOptions{})
				if err == nil && outs[0].Status != tracegraph.OutcomeAccepted {
					err = fmt.Errorf("event %q %s: %v", outs[0].ID, outs[0].Status, outs[0].Error)
				}
				if err != nil {
					errs[c] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	trace.Log(ctx, "bench", "end")
	b.StopTimer()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	elapsed, cpu := time.Since(t0), cpuTime()-cpu0
	n := clients * per
	b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(cpu)/float64(n)/1e3, "cpu-µs/event")
	b.ReportMetric(float64(n)/float64(commits(b, s)), "events/commit")
}

// commits counts the group commits in s's log: a commit seals its whole
// group with one record time, read from the clock once.
func commits(b *testing.B, s *Store) int {
	at := map[time.Time]bool{}
	for after := uint64(0); ; {
		evs, err := s.Events(context.Background(), after, 10_000)
		if err != nil {
			b.Fatal(err)
		}
		if len(evs) == 0 {
			return len(at)
		}
		for _, e := range evs {
			at[e.RecordedAt] = true
		}
		after = evs[len(evs)-1].Seq
	}
}

var errEnoughEvents = errors.New("enough events")
