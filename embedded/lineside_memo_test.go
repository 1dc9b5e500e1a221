package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// memoBatch is one Apply of linesideBatches.
type memoBatch struct {
	events []*tracegraph.Event
	atomic bool
}

// TestLineSideMemoAcrossGroups applies a line-side-heavy stream one small
// batch a group to stores whose writers keep the stations' line sides from
// group to group (the default bound, and one small enough to drop entries)
// and to one that keeps none beyond a group: every outcome and every
// stored byte are the same. The stream has what would make a kept line
// side stale if one were used for texts other than its own: atomic batches
// refused after a feeder event of theirs saved a line side, voids of
// feeder events, and a restart midway (the memo starts empty, the texts do
// not).
func TestLineSideMemoAcrossGroups(t *testing.T) {
	batches := linesideBatches(t)
	want, wantDump := applyMemoBatches(t, batches, -1)
	for _, c := range []struct {
		name  string
		bytes int
	}{{"default", 0}, {"small", 24 << 10}} {
		got, dump := applyMemoBatches(t, batches, c.bytes)
		if got != want {
			t.Errorf("%s memo: outcomes differ from a store without it:\n%s\nwithout:\n%s", c.name, firstDiff(got, want), firstDiff(want, got))
		}
		if !bytes.Equal(dump, wantDump) {
			t.Errorf("%s memo: stored records differ from a store without it:\n%s\nwithout:\n%s", c.name, firstDiff(string(dump), string(wantDump)), firstDiff(string(wantDump), string(dump)))
		}
	}
	// The stream does what it is for.
	for _, s := range []string{`-u","status":"aborted"`, `"atomic":true`, `-vl","status":"accepted"`, `-vu","status":"accepted"`} {
		if !bytes.Contains([]byte(want), []byte(s)) {
			t.Errorf("no outcome has %s", s)
		}
	}
}

// firstDiff returns a's lines from the first one that b lacks at the same
// place (a few of them).
func firstDiff(a, b string) string {
	al, bl := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	for i := range al {
		if i >= len(bl) || !bytes.Equal(al[i], bl[i]) {
			return fmt.Sprintf("line %d: %s", i+1, bytes.Join(al[i:min(i+3, len(al))], []byte("\n")))
		}
	}
	return "(a prefix)"
}

// applyMemoBatches applies batches, each alone, to a new store whose
// writer keeps line sides of at most memoBytes (LineSideMemoBytes),
// closing and opening it again midway, and returns the outcomes and every
// stored key and value.
func applyMemoBatches(t *testing.T, batches []memoBatch, memoBytes int) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	opts := Options{Clock: func() time.Time { return t0 }, LineSideMemoBytes: memoBytes}
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for i, b := range batches {
		if i == len(batches)/2 {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s, err = Open(dir, opts); err != nil {
				t.Fatal(err)
			}
		}
		outs, err := s.Apply(context.Background(), b.events, tracegraph.ApplyOptions{Atomic: b.atomic})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outs {
			line, err := json.Marshal(struct {
				Batch  int  `json:"batch"`
				Atomic bool `json:"atomic"`
				tracegraph.Outcome
			}{i, b.atomic, o})
			if err != nil {
				t.Fatal(err)
			}
			out.Write(append(line, '\n'))
		}
	}
	var dump bytes.Buffer
	it, err := s.db.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	for it.First(); it.Valid(); it.Next() {
		fmt.Fprintf(&dump, "%q %q\n", it.Key(), it.Value())
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String(), dump.Bytes()
}

// linesideBatches is a generated factory's stream in batches of 1 to 24
// events, with, every so often at the station and slot of the last
// feeder.loaded: an atomic batch that unloads the slot and then loads a
// lot that does not exist (refused as a whole, after the unload saved the
// station's line side); and a batch that unloads the slot and loads the
// lot again, then voids of both, one batch each.
func linesideBatches(t *testing.T) []memoBatch {
	t.Helper()
	var stream []*tracegraph.Event
	if _, err := factory.Generate(context.Background(), factory.Config{Units: 60, Seed: 3}, func(e *tracegraph.Event) error {
		stream = append(stream, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	mk := func(id string, typ tracegraph.EventType, at time.Time, data map[string]any) *tracegraph.Event {
		b, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		e := &tracegraph.Event{ID: id, Type: typ, Time: at, Data: b}
		if err := e.Normalize(); err != nil {
			t.Fatalf("event %s: %v", id, err)
		}
		return e
	}
	var (
		out     []memoBatch
		last    map[string]any // the data of the last feeder.loaded
		latest  time.Time
		pending []memoBatch // voids to apply after the next batch
	)
	for i, n, k := 0, 0, 0; i < len(stream); i, k = i+n, k+1 {
		n = min(1+(k*7)%24, len(stream)-i)
		batch := stream[i : i+n]
		out = append(out, memoBatch{events: batch})
		out, pending = append(out, pending...), nil
		for _, e := range batch {
			latest = maxTime(latest, e.Time)
			if e.Type == tracegraph.EventFeederLoaded {
				if err := json.Unmarshal(e.Data, &last); err != nil {
					t.Fatal(err)
				}
			}
		}
		if last == nil || k%3 != 0 {
			continue
		}
		at := latest.Add(time.Millisecond)
		latest = at
		slot := map[string]any{"station": last["station"], "slot": last["slot"]}
		id := fmt.Sprintf("memo-%d", k)
		if (k/3)%2 == 0 {
			out = append(out, memoBatch{atomic: true, events: []*tracegraph.Event{
				mk(id+"-u", tracegraph.EventFeederUnloaded, at, slot),
				mk(id+"-l", tracegraph.EventFeederLoaded, at, map[string]any{"station": last["station"], "slot": last["slot"], "lot": "MaterialLot:NO-SUCH-LOT"}),
			}})
			continue
		}
		out = append(out, memoBatch{events: []*tracegraph.Event{
			mk(id+"-u", tracegraph.EventFeederUnloaded, at, slot),
			mk(id+"-l", tracegraph.EventFeederLoaded, at, last),
		}})
		pending = []memoBatch{
			{events: []*tracegraph.Event{mk(id+"-vl", tracegraph.EventVoided, at, map[string]any{"event": id + "-l", "reason": "test"})}},
			{events: []*tracegraph.Event{mk(id+"-vu", tracegraph.EventVoided, at, map[string]any{"event": id + "-u", "reason": "test"})}},
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
