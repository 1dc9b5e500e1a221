package cypher

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/internal/testserver"
)

// TestRecordTimeNeverGoesBack: a clock stepped back does not record events
// before the head, in the process that committed the head and in another
// one (the head keeps its record time in the database).
func TestRecordTimeNeverGoesBack(t *testing.T) {
	ctx := context.Background()
	if err := testserver.Erase(ctx, testserver.Get(t)); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(t0.UnixNano())
	open := func() *Store {
		cfg := neo4jConfig(t)
		cfg.Now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	n := 0
	apply := func(s *Store) time.Time {
		t.Helper()
		n++
		ev, err := tracegraph.DecodeEvent([]byte(fmt.Sprintf(`{"id":"c%d","type":"unit.created","time":"2026-03-01T08:00:00Z","data":{"serial":"C-%d","partNumber":"P"}}`, n, n)))
		if err != nil {
			t.Fatal(err)
		}
		outs, err := s.Apply(ctx, []*tracegraph.Event{ev}, tracegraph.ApplyOptions{})
		if err != nil || outs[0].Status != tracegraph.OutcomeAccepted {
			t.Fatalf("Apply = %v, %v", outs, err)
		}
		evs, err := s.Events(ctx, outs[0].Seq-1, 1)
		if err != nil || len(evs) != 1 {
			t.Fatalf("Events = %v, %v", evs, err)
		}
		return evs[0].RecordedAt
	}
	s := open()
	if got := apply(s); !got.Equal(t0) {
		t.Fatalf("recorded at %s, want the clock's %s", got, t0)
	}
	clock.Store(t0.Add(-time.Hour).UnixNano())
	if got := apply(s); !got.Equal(t0) {
		t.Errorf("with the clock an hour back, recorded at %s; want the head's %s", got, t0)
	}
	if got := apply(open()); !got.Equal(t0) {
		t.Errorf("another process with the clock an hour back recorded at %s; want the head's %s", got, t0)
	}
	later := t0.Add(time.Minute)
	clock.Store(later.UnixNano())
	if got := apply(s); !got.Equal(later) {
		t.Errorf("with the clock past the head again, recorded at %s; want %s", got, later)
	}
}
