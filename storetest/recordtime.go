package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// testRecordTimes: record times never decrease along the log, and
// tracegraph.RecordedSince finds where a record-time window begins (the
// EPCIS query by GE_recordTime starts there).
func testRecordTimes(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	if seq, err := tracegraph.RecordedSince(ctx, s, time.Now()); err != nil || seq != 0 {
		t.Fatalf("RecordedSince on an empty log = %d, %v; want 0", seq, err)
	}
	for b := range 6 {
		var evs []*tracegraph.Event
		for i := range b + 1 {
			evs = append(evs, event(t, fmt.Sprintf("rt-%d-%d", b, i), tracegraph.EventUnitCreated, b*10+i,
				map[string]any{"serial": fmt.Sprintf("RT-%d-%d", b, i), "partNumber": "700-A"}))
		}
		mustApply(t, s, evs...)
		time.Sleep(3 * time.Millisecond) // the next batch is recorded later
	}
	log, err := s.Events(ctx, 0, 100)
	if err != nil || len(log) != 21 {
		t.Fatalf("Events = %d events, %v; want 21", len(log), err)
	}
	for i := 1; i < len(log); i++ {
		if log[i].RecordedAt.Before(log[i-1].RecordedAt) {
			t.Errorf("event %d recorded at %s, before event %d (%s)", log[i].Seq, log[i].RecordedAt, log[i-1].Seq, log[i-1].RecordedAt)
		}
	}
	// Every record time of the log, a moment before and after it: the
	// search ends after the last event recorded before.
	for _, ev := range log {
		for _, at := range []time.Time{ev.RecordedAt.Add(-time.Nanosecond), ev.RecordedAt, ev.RecordedAt.Add(time.Nanosecond)} {
			want := uint64(0)
			for _, e := range log {
				if e.RecordedAt.Before(at) {
					want = e.Seq
				}
			}
			if got, err := tracegraph.RecordedSince(ctx, s, at); err != nil || got != want {
				t.Errorf("RecordedSince(%s) = %d, %v; want %d", at.Format(time.RFC3339Nano), got, err, want)
			}
		}
	}
}
