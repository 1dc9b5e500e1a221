package embedded

import (
	"context"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// historyFactory is a generated factory's events (every kind of event the
// generator makes: builds, tests, reworks, packs, holds, voids).
func historyFactory(t testing.TB, units int) []*tracegraph.Event {
	t.Helper()
	var evs []*tracegraph.Event
	_, err := factory.Generate(context.Background(), factory.Config{Units: units, Seed: 7}, func(e *tracegraph.Event) error {
		evs = append(evs, e)
		return e.Normalize()
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// applyInBatches applies evs in batches of 50, as the HTTP clients do.
func applyInBatches(t testing.TB, s *Store, evs []*tracegraph.Event) {
	t.Helper()
	for c := range slices.Chunk(evs, 50) {
		applyAccepted(t, s, c)
	}
}

// storedHistory is the node's history as a format 1 build read it: its
// history entries alone.
func storedHistory(t *testing.T, s *Store, id tracegraph.ID) []uint64 {
	t.Helper()
	var seqs []uint64
	p := strKey(pNodeEv, string(id), "")
	if err := s.scan(p, func(k, _ []byte) error {
		seqs = append(seqs, binary.BigEndian.Uint64(k[len(p):]))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return seqs
}

// countHistoryEntries counts the store's history entries.
func countHistoryEntries(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	if err := s.scan([]byte{pNodeEv}, func(_, _ []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// nodeIDs lists the nodes of s's topology.
func nodeIDs(s *Store) []tracegraph.ID {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]tracegraph.ID, s.t.nodeCount())
	for i := range ids {
		ids[i] = tracegraph.ID(strings.Clone(string(s.t.name(uint32(i)))))
	}
	return ids
}

// sameHistories fails unless every node of want has the same NodeEvents in
// got, and, with entries, as want's history entries alone say.
func sameHistories(t *testing.T, got, want *Store, entries bool) {
	t.Helper()
	ctx := context.Background()
	ids := nodeIDs(want)
	if len(ids) != len(nodeIDs(got)) {
		t.Fatalf("%d nodes, want %d", len(nodeIDs(got)), len(ids))
	}
	for _, id := range ids {
		g, err := got.nodeHistory(id)
		if err != nil {
			t.Fatal(err)
		}
		w := storedHistory(t, want, id)
		if !entries {
			if w, err = want.nodeHistory(id); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(g, w) {
			t.Fatalf("history of %s = %v, want %v", id, g, w)
		}
		ge, err1 := got.NodeEvents(ctx, id)
		we, err2 := want.NodeEvents(ctx, id)
		if err1 != nil || err2 != nil || len(ge) != len(we) {
			t.Fatalf("NodeEvents(%s) = %d events, %v; want %d, %v", id, len(ge), err1, len(we), err2)
		}
		for i := range ge {
			if ge[i].Seq != we[i].Seq || ge[i].ID != we[i].ID {
				t.Fatalf("NodeEvents(%s)[%d] = %s, want %s", id, i, ge[i].ID, we[i].ID)
			}
		}
	}
}

// changeFactory is verifiedFactory with the changes the generator does not
// make: edges closed and reopened, voids of events that added, closed or
// voided edges, a unit voided and made again, a scrap.
func changeFactory(t *testing.T) []*tracegraph.Event {
	return append(verifiedFactory(t),
		ev(t, "r1", tracegraph.EventComponentRemoved, 14, map[string]any{"parent": "P1", "child": "PCB1", "reason": "rework"}),
		ev(t, "un1", tracegraph.EventUnpacked, 15, map[string]any{"container": "BX1", "items": []string{"P1"}}),
		ev(t, "x2", tracegraph.EventVoided, 16, map[string]any{"event": "un1", "reason": "scanned by mistake"}),
		ev(t, "x3", tracegraph.EventVoided, 17, map[string]any{"event": "m3", "reason": "wrong lot"}),
		ev(t, "u9", tracegraph.EventUnitCreated, 18, map[string]any{"serial": "PCB9", "partNumber": "PCBA-1", "workOrder": "WO1"}),
		ev(t, "x4", tracegraph.EventVoided, 18, map[string]any{"event": "u9", "reason": "duplicate label"}),
		ev(t, "u9b", tracegraph.EventUnitCreated, 19, map[string]any{"serial": "PCB9", "partNumber": "PCBA-1", "workOrder": "WO1"}),
		ev(t, "m5", tracegraph.EventMaterialConsumed, 20, map[string]any{"unit": "PCB9", "lot": "L2"}),
		ev(t, "x5", tracegraph.EventVoided, 20, map[string]any{"event": "h1", "reason": "wrong unit"}),
		ev(t, "sc1", tracegraph.EventUnitScrapped, 21, map[string]any{"unit": "PCB9", "reason": "burnt"}),
	)
}

// TestDerivedHistoryEqualsStored: on a generated factory and on a log of
// every kind of change, every node's history read from its entries and its
// edges (format 2) is the history a format 1 store holds in entries alone,
// with a small share of the entries in the factory; both verify intact.
func TestDerivedHistoryEqualsStored(t *testing.T) {
	t.Run("changes", func(t *testing.T) { derivedEqualsStored(t, changeFactory(t), 1) })
	t.Run("factory", func(t *testing.T) { derivedEqualsStored(t, historyFactory(t, 120), 0.1) })
}

func derivedEqualsStored(t *testing.T, evs []*tracegraph.Event, share float64) {
	leanDir := t.TempDir()
	lean, err := Open(leanDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { lean.Close() }()
	full, err := Open(t.TempDir(), Options{histFullBefore: math.MaxUint64})
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	applyInBatches(t, lean, evs)
	applyInBatches(t, full, evs)
	sameHistories(t, lean, full, true)
	// Reopened, the topology the derived part comes from is rebuilt from
	// the edge records (voided and closed edges too): the same histories.
	if err := lean.Close(); err != nil {
		t.Fatal(err)
	}
	if lean, err = Open(leanDir, Options{}); err != nil {
		t.Fatal(err)
	}
	sameHistories(t, lean, full, true)
	nl, nf := countHistoryEntries(t, lean), countHistoryEntries(t, full)
	t.Logf("%d events: %d history entries, %d in format 1", len(evs), nl, nf)
	if float64(nl) > share*float64(nf) {
		t.Errorf("%d history entries, format 1 holds %d: want the edges' left out", nl, nf)
	}
	for _, s := range []*Store{lean, full} {
		if rep, err := s.Verify(context.Background(), tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
			t.Fatalf("Verify = %+v, %v; want intact", rep, err)
		}
	}
}

// toFormat1 rewrites the marks of a store written with every history entry
// (histFullBefore) to what a format 1 build leaves: no history mark, an
// event time index mark of 8 bytes.
func toFormat1(t *testing.T, dir string) {
	tamper(t, dir, func(db *pebble.DB) error {
		v, closer, err := db.Get([]byte(evTimeFromKey))
		if err != nil {
			return err
		}
		mark := slices.Clone(v[:8])
		closer.Close()
		if err := db.Set([]byte(evTimeFromKey), mark, nil); err != nil {
			return err
		}
		return db.Delete([]byte(histFromKey), pebble.Sync)
	})
}

// TestFormat1StoreOpens: a store a format 1 build wrote (every history
// entry) verifies intact, opens, is marked format 2 from its head on and
// answers every node's history as a format 2 store fed the same events,
// before and after more events on top; it verifies intact after, and an
// entry of its format 1 part deleted is a finding.
func TestFormat1StoreOpens(t *testing.T) {
	ctx := context.Background()
	evs := historyFactory(t, 120)
	half := len(evs) / 2
	dir := t.TempDir()
	old, err := Open(dir, Options{histFullBefore: math.MaxUint64})
	if err != nil {
		t.Fatal(err)
	}
	applyInBatches(t, old, evs[:half])
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	toFormat1(t, dir)
	if rep, err := VerifyDir(ctx, dir, tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("VerifyDir of a format 1 store = %+v, %v; want intact", rep, err)
	}

	lean, _ := openTemp(t)
	applyInBatches(t, lean, evs[:half])
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.histFrom != uint64(half)+1 {
		t.Fatalf("history mark %d, want %d (after the head)", s.histFrom, half+1)
	}
	if v, err := s.get([]byte(evTimeFromKey)); err != nil || len(v) != 9 || v[8] != storeFormat {
		t.Fatalf("event time index mark %x, %v; want 9 bytes, the last %d", v, err, storeFormat)
	}
	sameHistories(t, s, lean, false)
	applyInBatches(t, lean, evs[half:])
	applyInBatches(t, s, evs[half:])
	sameHistories(t, s, lean, false)
	// The events after the mark stored as a format 2 store does.
	for _, id := range nodeIDs(lean) {
		after := func(st *Store) []uint64 {
			return slices.DeleteFunc(storedHistory(t, st, id), func(seq uint64) bool { return seq <= uint64(half) })
		}
		if g, w := after(s), after(lean); !slices.Equal(g, w) {
			t.Fatalf("history entries of %s after the mark = %v, want %v", id, g, w)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if rep, err := VerifyDir(ctx, dir, tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("VerifyDir of a format 1 store with format 2 events on top = %+v, %v; want intact", rep, err)
	}
	// A format 1 entry its edges imply, deleted: missing.
	var gone []byte
	tamper(t, dir, func(db *pebble.DB) error {
		it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{pNodeEv}, UpperBound: []byte{pNodeEv + 1}})
		if err != nil {
			return err
		}
		for it.First(); it.Valid() && gone == nil; it.Next() {
			if k := it.Key(); binary.BigEndian.Uint64(k[len(k)-8:]) <= uint64(half) {
				gone = slices.Clone(k)
			}
		}
		if err := it.Close(); err != nil {
			return err
		}
		return db.Delete(gone, nil)
	})
	rep, err := VerifyDir(ctx, dir, tracegraph.VerifyOptions{})
	want := `node history record "` + printable(gone) + `" that the log produces is missing`
	if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), want) {
		t.Fatalf("VerifyDir with a format 1 history entry deleted = %+v, %v; want %q", rep, err, want)
	}
}

// TestNewerFormatRefused: a store of a format after this build's is
// refused by Open, which writes nothing to it, and is NOT INTACT for verify.
func TestNewerFormatRefused(t *testing.T) {
	dir := closedStore(t)
	var mark []byte
	tamper(t, dir, func(db *pebble.DB) error {
		v, closer, err := db.Get([]byte(evTimeFromKey))
		if err != nil {
			return err
		}
		mark = append(slices.Clone(v[:8]), storeFormat+1)
		closer.Close()
		return db.Set([]byte(evTimeFromKey), mark, pebble.Sync)
	})
	want := "the store is of format 3, newer than this build reads (2)"
	if s, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), want) {
		if err == nil {
			s.Close()
		}
		t.Fatalf("Open of a format 3 store = %v, want %q", err, want)
	}
	tamper(t, dir, func(db *pebble.DB) error {
		v, closer, err := db.Get([]byte(evTimeFromKey))
		if err != nil {
			return err
		}
		defer closer.Close()
		if !slices.Equal(v, mark) {
			t.Errorf("the mark after a refused Open = %x, want %x", v, mark)
		}
		return nil
	})
	rep, err := VerifyDir(context.Background(), dir, tracegraph.VerifyOptions{})
	if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), want) {
		t.Fatalf("VerifyDir of a format 3 store = %+v, %v; want NOT INTACT with %q", rep, err, want)
	}
}
