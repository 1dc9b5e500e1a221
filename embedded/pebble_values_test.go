package embedded

import (
	"bytes"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// TestEventValuesEitherWay: a store written with the event records in
// place (as every store was before value separation) opens with it and
// reads and goes on exactly as a store that never had it, and the other
// way round (a store with blob files opened by a build that keeps values
// in place). Each store holds the same factory, half applied before the
// reopen and half after, with flushes on the way so that both halves reach
// sstables (and blob files); its every key and value must be the
// reference's, byte for byte.
func TestEventValuesEitherWay(t *testing.T) {
	const units = 120
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	opts := func(inPlace bool) Options {
		return Options{Clock: func() time.Time { return t0 }, MemTableBytes: 1 << 20, eventsInPlace: inPlace}
	}
	// load returns the store's keys and values, its blob files after each
	// half and the bytes of values its blob files hold at the end.
	load := func(t *testing.T, first, then bool) ([]kv, [2]uint64, uint64) {
		events, _ := factoryEvents(t, units, 5)
		dir := t.TempDir()
		s, err := Open(dir, opts(first))
		if err != nil {
			t.Fatal(err)
		}
		half := len(events) / 2
		applyAll(t, s, events[:half])
		if err := s.db.Flush(); err != nil {
			t.Fatal(err)
		}
		var blobs [2]uint64
		blobs[0] = s.db.Metrics().BlobFiles.LiveCount
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if s, err = Open(dir, opts(then)); err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer s.Close()
		applyAll(t, s, events[half:])
		if err := s.db.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := s.db.Compact(t.Context(), []byte{0}, []byte{0xff}, true); err != nil {
			t.Fatal(err)
		}
		m := s.db.Metrics()
		blobs[1] = m.BlobFiles.LiveCount
		return dumpKV(t, s.db), blobs, m.BlobFiles.ReferencedValueSize
	}
	want, blobs, _ := load(t, true, true)
	var eventBytes uint64 // every event record is longer than eventValueMinBytes
	for _, r := range want {
		if r.k[0] == pEvent {
			eventBytes += uint64(len(r.v))
		}
	}
	if blobs != [2]uint64{} {
		t.Fatalf("a store that keeps values in place has blob files: %d after the first half, %d at the end", blobs[0], blobs[1])
	}
	for _, tc := range []struct {
		name        string
		first, then bool // eventsInPlace before and after the reopen
	}{
		{"in place, then separated (a store made before, opened by this build)", true, false},
		{"separated, then in place (opened again by a build before)", false, true},
		{"separated throughout", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, blobs, separated := load(t, tc.first, tc.then)
			if !tc.first && !tc.then && separated != eventBytes {
				t.Errorf("the blob files hold %d bytes of values, want the event records' %d (and nothing else)", separated, eventBytes)
			}
			for i, inPlace := range []bool{tc.first, tc.then} {
				if !inPlace && blobs[i] == 0 {
					t.Errorf("no blob files after half %d: the event records were not separated", i+1)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d keys, want %d", len(got), len(want))
			}
			for i := range min(len(got), len(want)) {
				if !bytes.Equal(got[i].k, want[i].k) || !bytes.Equal(got[i].v, want[i].v) {
					t.Fatalf("key %d: %q = %.80q, want %q = %.80q", i, got[i].k, got[i].v, want[i].k, want[i].v)
				}
			}
		})
	}
}

type kv struct{ k, v []byte }

// dumpKV returns every key and value of db in key order.
func dumpKV(t *testing.T, db *pebble.DB) []kv {
	t.Helper()
	it, err := db.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []kv
	for it.First(); it.Valid(); it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, kv{bytes.Clone(it.Key()), bytes.Clone(v)})
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return out
}
