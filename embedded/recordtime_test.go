package embedded

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// TestRecordTimeNeverGoesBack: a clock stepped back does not record events
// before the head, in the store that saw the head committed and in one
// that opens it later.
func TestRecordTimeNeverGoesBack(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(t0.UnixNano())
	opts := Options{Clock: func() time.Time { return time.Unix(0, clock.Load()).UTC() }}
	n := 0
	apply := func(s *Store) *tracegraph.Event {
		t.Helper()
		n++
		ev, err := tracegraph.DecodeEvent([]byte(fmt.Sprintf(`{"id":"c%d","type":"unit.created","time":"2026-03-01T08:00:00Z","data":{"serial":"C-%d","partNumber":"P"}}`, n, n)))
		if err != nil {
			t.Fatal(err)
		}
		outs, err := s.Apply(context.Background(), []*tracegraph.Event{ev}, tracegraph.ApplyOptions{})
		if err != nil || outs[0].Status != tracegraph.OutcomeAccepted {
			t.Fatalf("Apply = %v, %v", outs, err)
		}
		evs, err := s.Events(context.Background(), outs[0].Seq-1, 1)
		if err != nil || len(evs) != 1 {
			t.Fatalf("Events = %v, %v", evs, err)
		}
		return evs[0]
	}
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := apply(s).RecordedAt; !got.Equal(t0) {
		t.Fatalf("recorded at %s, want the clock's %s", got, t0)
	}
	clock.Store(t0.Add(-time.Hour).UnixNano())
	if got := apply(s).RecordedAt; !got.Equal(t0) {
		t.Errorf("with the clock an hour back, recorded at %s; want the head's %s", got, t0)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := apply(s).RecordedAt; !got.Equal(t0) {
		t.Errorf("reopened with the clock an hour back, recorded at %s; want the head's %s", got, t0)
	}
	later := t0.Add(time.Minute)
	clock.Store(later.UnixNano())
	if got := apply(s).RecordedAt; !got.Equal(later) {
		t.Errorf("with the clock past the head again, recorded at %s; want %s", got, later)
	}
}
