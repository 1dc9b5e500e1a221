package cypher

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/internal/testserver"
	"github.com/tracegraph/tracegraph/factory"
)

// benchIngestEvents is the size of the stream BenchmarkIngest applies, over
// all its clients.
const benchIngestEvents = 3000

// BenchmarkIngest measures durable ingest through the write path on the
// real server (TRACEGRAPH_NEO4J_URI): 1, 4 and 16 clients at once, each
// applying its own generated factory stream (its own site) in batches of 50
// (as tracegraph bench does), every batch acknowledged after its commit,
// into an emptied database. It reports events/s and the CPU time of this
// process per event (the client: rules, encoding, the driver). Run it with
// -benchtime=1x; each iteration empties the database first, untimed.
func BenchmarkIngest(b *testing.B) {
	for _, clients := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchIngest(b, clients) })
	}
}

func benchIngest(b *testing.B, clients int) {
	srv := testserver.Get(b)
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	streams := make([][]*tracegraph.Event, clients)
	total := 0
	for c := range streams {
		site := ""
		if clients > 1 {
			site = fmt.Sprintf("B%d", c)
		}
		if streams[c], err = siteStream(ctx, site, benchIngestEvents/clients); err != nil {
			b.Fatal(err)
		}
		total += len(streams[c])
	}
	const batch = 50
	var elapsed, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := testserver.Erase(ctx, srv); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0, c0 := time.Now(), processCPU()
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for _, st := range streams {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < len(st); i += batch {
					outs, err := s.Apply(ctx, st[i:min(i+batch, len(st))], tracegraph.ApplyOptions{})
					if err != nil {
						errs <- err
						return
					}
					for _, o := range outs {
						if o.Status != tracegraph.OutcomeAccepted {
							errs <- fmt.Errorf("event %q %s: %v", o.ID, o.Status, o.Error)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		elapsed += time.Since(t0)
		cpu += processCPU() - c0
		close(errs)
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total*b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(total*b.N), "client-cpu-µs/event")
}

// processCPU returns the user and system CPU time this process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var errEnough = errors.New("enough events")

// factoryStream returns the first n events of the reference factory,
// normalized.
func factoryStream(ctx context.Context, n int) ([]*tracegraph.Event, error) {
	return siteStream(ctx, "", n)
}

// siteStream returns the first n events of the reference factory of a site
// ("": none), normalized.
func siteStream(ctx context.Context, site string, n int) ([]*tracegraph.Event, error) {
	var out []*tracegraph.Event
	_, err := factory.Generate(ctx, factory.Config{Units: n/35 + 10, Seed: 1, Site: site}, func(e *tracegraph.Event) error {
		if len(out) >= n {
			return errEnough
		}
		out = append(out, e)
		return e.Normalize()
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, fmt.Errorf("generate %d events: %w", n, err)
	}
	return out, nil
}
