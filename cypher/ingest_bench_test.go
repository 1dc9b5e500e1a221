package cypher

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/internal/testserver"
	"github.com/tracegraph/tracegraph/factory"
)

// benchIngestEvents is the size of the stream BenchmarkIngest applies.
const benchIngestEvents = 3000

// BenchmarkIngest measures durable ingest through the write path on the
// real server (TRACEGRAPH_NEO4J_URI): one client applies a generated
// factory stream in batches of 50 (as tracegraph bench does), each batch
// one committed transaction, into an emptied database. It reports events/s.
// Run it with -benchtime=1x; each iteration empties the database first,
// untimed.
func BenchmarkIngest(b *testing.B) {
	srv := testserver.Get(b)
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	stream, err := factoryStream(ctx, benchIngestEvents)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 50
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := testserver.Erase(ctx, srv); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		for i := 0; i < len(stream); i += batch {
			outs, err := s.Apply(ctx, stream[i:min(i+batch, len(stream))], tracegraph.ApplyOptions{})
			if err != nil {
				b.Fatal(err)
			}
			for _, o := range outs {
				if o.Status != tracegraph.OutcomeAccepted {
					b.Fatalf("event %q %s: %v", o.ID, o.Status, o.Error)
				}
			}
		}
		total += time.Since(t0)
	}
	b.ReportMetric(float64(len(stream)*b.N)/total.Seconds(), "events/s")
}

var errEnough = errors.New("enough events")

// factoryStream returns the first n events of the reference factory,
// normalized.
func factoryStream(ctx context.Context, n int) ([]*tracegraph.Event, error) {
	var out []*tracegraph.Event
	_, err := factory.Generate(ctx, factory.Config{Units: n/35 + 10, Seed: 1}, func(e *tracegraph.Event) error {
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
