package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// timedEvents are n unit.created events at times out of log order: spread
// over ten days, some at the same instant, and a few at the ends of the
// years an event may have (1 and 9999), which unix nanoseconds cannot hold.
func timedEvents(t testing.TB, prefix string, n int, rng *rand.Rand) []*tracegraph.Event {
	out := make([]*tracegraph.Event, 0, n)
	for i := range n {
		e := ev(t, fmt.Sprintf("%s%d", prefix, i), tracegraph.EventUnitCreated, 0, map[string]any{"serial": fmt.Sprintf("%s%d", prefix, i), "partNumber": "P"})
		switch {
		case i%997 == 5:
			e.Time = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
		case i%991 == 7:
			e.Time = time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)
		case i%3 == 0:
			e.Time = t0.Add(time.Duration(rng.IntN(240)) * time.Hour) // many at the same instant
		default:
			e.Time = t0.Add(time.Duration(rng.Int64N(int64(240 * time.Hour))))
		}
		out = append(out, e)
	}
	return out
}

// windows are event time windows to ask: open ends, windows between
// random times, windows starting or ending exactly at an event's time,
// empty ones, and windows at the ends of the years.
func windows(rng *rand.Rand, evs []*tracegraph.Event, n int) []tracegraph.EventTimeWindow {
	at := func() time.Time {
		switch rng.IntN(6) {
		case 0:
			return time.Time{}
		case 1:
			return evs[rng.IntN(len(evs))].Time
		case 2:
			return t0.Add(-time.Hour * time.Duration(rng.IntN(100)))
		case 3:
			return t0.Add(time.Hour * time.Duration(241+rng.IntN(100)))
		default:
			return t0.Add(time.Duration(rng.Int64N(int64(240 * time.Hour))))
		}
	}
	out := []tracegraph.EventTimeWindow{{}, {From: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}, {To: time.Date(2, 1, 1, 0, 0, 0, 0, time.UTC)}}
	for range n {
		w := tracegraph.EventTimeWindow{From: at(), To: at()}
		if rng.IntN(3) == 0 {
			w.To = w.From.Add(time.Hour) // an hour
		}
		if rng.IntN(4) == 0 {
			w.After = uint64(rng.IntN(len(evs)))
		}
		if rng.IntN(4) == 0 {
			w.Before = w.After + uint64(rng.IntN(len(evs)))
		}
		out = append(out, w)
	}
	return out
}

// inTime is the reference answer of EventsInTime: the log read whole.
func inTime(all []*tracegraph.Event, w tracegraph.EventTimeWindow, limit int) []uint64 {
	var out []uint64
	for _, ev := range all {
		if w.Holds(ev) && len(out) < limit {
			out = append(out, ev.Seq)
		}
	}
	return out
}

func seqsOf(evs []*tracegraph.Event) []uint64 {
	out := make([]uint64, 0, len(evs))
	for _, ev := range evs {
		out = append(out, ev.Seq)
	}
	return out
}

// checkInTime compares EventsInTime with the log read whole for windows,
// each followed page by page to its end. With mayDecline, an answer may be
// "not indexed yet" (ok false), never a wrong one.
func checkInTime(t *testing.T, s *Store, all []*tracegraph.Event, ws []tracegraph.EventTimeWindow, mayDecline bool) (declined int) {
	t.Helper()
	ctx := context.Background()
	for _, w := range ws {
		for _, limit := range []int{1, 7, 1000} {
			for page, pw := 0, w; ; page++ {
				got, ok, err := s.EventsInTime(ctx, pw, limit)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					if !mayDecline {
						t.Fatalf("EventsInTime(%+v) declined on a store indexed whole", pw)
					}
					declined++
					break
				}
				want := inTime(all, pw, limit)
				if !slices.Equal(seqsOf(got), want) {
					t.Fatalf("EventsInTime(%+v, %d), page %d = %v, want %v", pw, limit, page, seqsOf(got), want)
				}
				if len(got) < limit || page > 3 && limit < 1000 {
					break
				}
				pw.After = got[len(got)-1].Seq
			}
		}
	}
	return declined
}

// TestEventTimeIndex: the event time index gives, page after page, the
// events of a window in log order, the same as reading the whole log, for
// events whose times are out of log order over several stretches of it.
func TestEventTimeIndex(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	evs := timedEvents(t, "te", 3*(1<<evTimeBlockBits)+500, rng)
	for c := range slices.Chunk(evs, 1000) {
		mustApply(t, s, c...)
	}
	all, err := s.Events(context.Background(), 0, len(evs)+1)
	if err != nil || len(all) != len(evs) {
		t.Fatalf("Events = %d, %v", len(all), err)
	}
	checkInTime(t, s, all, windows(rng, all, 300), false)
}

// TestEventTimeIndexOldStore: a store made before the index (no entries,
// no mark) answers at every moment: the index declines the windows it does
// not cover yet while the events before the Open are indexed in the
// background, and gives the right events always; events recorded meanwhile
// are indexed with their commit. Once filled, the store is what a store
// indexed from its start is (Verify replays the log and compares).
func TestEventTimeIndexOldStore(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	evs := timedEvents(t, "te", 4*evTimeFillChunk+100, rng)
	for c := range slices.Chunk(evs, 1000) {
		mustApply(t, s, c...)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := pebble.Open(dir, &pebble.Options{Logger: pebbleLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteRange([]byte{pEventTime}, []byte{pEventTime + 1}, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete([]byte(evTimeFromKey), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Verify takes a store without the index (or still filling it) as intact.
	if rep, err := VerifyDir(context.Background(), dir, tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("VerifyDir of a store made before the index = %+v, %v; want intact", rep, err)
	}

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	more := timedEvents(t, "new", 300, rng)
	mustApply(t, s, more...)
	all, err := s.Events(context.Background(), 0, len(evs)+len(more)+1)
	if err != nil || len(all) != len(evs)+len(more) {
		t.Fatalf("Events = %d, %v", len(all), err)
	}
	// While the fill runs: right or declined. The new events are indexed.
	checkInTime(t, s, all, windows(rng, all, 40), true)
	if declined := checkInTime(t, s, all, []tracegraph.EventTimeWindow{{After: uint64(len(evs))}}, false); declined != 0 {
		t.Fatal("the events recorded after the Open are not indexed")
	}
	for deadline := time.Now().Add(time.Minute); s.evTime.from.Load() > 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the fill has not ended: indexed from %d", s.evTime.from.Load())
		}
	}
	checkInTime(t, s, all, windows(rng, all, 100), false)
	rep, err := s.Verify(context.Background(), tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Errorf("Verify after the fill = %+v, %v; want intact", rep, err)
	}
	// Filled, the index is verified: an entry missing is found.
	if err := s.db.Delete(appendEvTimeKey(nil, all[7].Seq, all[7].Time), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Verify(context.Background(), tracegraph.VerifyOptions{}); err != nil || rep.OK() || !slices.ContainsFunc(rep.Problems, func(p string) bool {
		return strings.HasPrefix(p, "event time index record") && strings.HasSuffix(p, "that the log produces is missing")
	}) {
		t.Errorf("Verify with an event time entry deleted = %+v, %v; want it reported", rep, err)
	}
	// A window that starts below the mark is declined, one at it answered
	// (here as if the fill were at seq 5000).
	s.evTime.from.Store(5000)
	if _, ok, err := s.EventsInTime(context.Background(), tracegraph.EventTimeWindow{After: 4998}, 10); ok || err != nil {
		t.Errorf("EventsInTime from seq 4999 with the index from 5000 = %v, %v; want declined", ok, err)
	}
	if _, ok, err := s.EventsInTime(context.Background(), tracegraph.EventTimeWindow{After: 4999}, 10); !ok || err != nil {
		t.Errorf("EventsInTime from seq 5000 with the index from 5000 = %v, %v; want an answer", ok, err)
	}
}

// BenchmarkEventTimeEntry is what the index adds to a commit, per event:
// its key staged in the commit's sorted batch and written with it, in
// commits of 1,000 events (as a load's), into a store's Pebble.
//
//	go test ./embedded/ -run '^$' -bench EventTimeEntry
func BenchmarkEventTimeEntry(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var st sortedBatch
	pb := s.db.NewBatch()
	var key []byte
	at := t0
	seq := uint64(0)
	for b.Loop() {
		seq++
		at = at.Add(time.Second)
		key = appendEvTimeKey(key[:0], seq, at)
		st.set(key, nil)
		if seq%1000 == 0 {
			if err := st.writeTo(pb); err != nil {
				b.Fatal(err)
			}
			if err := pb.Commit(pebble.NoSync); err != nil {
				b.Fatal(err)
			}
			st.reset()
			pb.Reset()
		}
	}
}
