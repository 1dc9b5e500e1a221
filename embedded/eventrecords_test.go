package embedded

import (
	"cmp"
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// TestEventRecords: EventRecords hands out the records of the events
// applied after a seq, in order, at most the limit (1000 for none), which
// decode into the events Events gives; an error of the callback stops the
// reading and is returned.
func TestEventRecords(t *testing.T) {
	ctx := context.Background()
	var evs []*tracegraph.Event
	if _, err := factory.Generate(ctx, factory.Config{Units: 60, Seed: 2}, func(e *tracegraph.Event) error {
		evs = append(evs, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < len(evs); i += 500 {
		mustApply(t, s, evs[i:min(i+500, len(evs))]...)
	}
	n := uint64(len(evs))
	if n <= 1000 {
		t.Fatalf("%d events: too few to try the default limit", n)
	}
	for _, c := range []struct {
		after uint64
		limit int
	}{{0, 0}, {0, 10}, {7, 1}, {n / 2, 2000}, {n - 3, 0}, {n, 0}, {n + 5, 10}} {
		want := 0 // the events after c.after, at most the limit
		if c.after < n {
			want = min(int(n-c.after), cmp.Or(max(c.limit, 0), 1000))
		}
		var got []*tracegraph.Event
		err := s.EventRecords(ctx, c.after, c.limit, func(rec []byte) error {
			ev, err := tracegraph.UnmarshalRecord(rec)
			got = append(got, ev)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != want {
			t.Fatalf("after %d, limit %d: %d records, want %d", c.after, c.limit, len(got), want)
		}
		for i, ev := range got {
			applied := evs[c.after+uint64(i)]
			if ev.Seq != c.after+uint64(i)+1 || !tracegraph.SameContent(ev, applied) {
				t.Fatalf("after %d, limit %d: record %d is %d %s, want %d %s", c.after, c.limit, i, ev.Seq, ev.ID, c.after+uint64(i)+1, applied.ID)
			}
		}
		events, err := s.Events(ctx, c.after, c.limit)
		if err != nil || !reflect.DeepEqual(events, got) && len(got) > 0 {
			t.Fatalf("after %d, limit %d: Events gives %d events (%v), not the records decoded", c.after, c.limit, len(events), err)
		}
	}
	stop := errors.New("stop")
	calls := 0
	if err := s.EventRecords(ctx, 0, 0, func([]byte) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("error %v after %d calls, want %v after 1", err, calls, stop)
	}
}
