package embedded

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// TestUnreadableRecordIsNeverWritten: a record that would not read back (here
// a clock past year 9999 gives a recordedAt RFC 3339 cannot carry) fails the
// batch and writes nothing, and the store goes on serving.
func TestUnreadableRecordIsNeverWritten(t *testing.T) {
	ctx := context.Background()
	far := time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -5*3600))
	s, err := Open(t.TempDir(), Options{Clock: func() time.Time { return far }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs := smallFactory(t)[:2]
	if _, err := s.Apply(ctx, evs, tracegraph.ApplyOptions{}); err == nil {
		t.Fatal("Apply with a recordedAt past 9999 = nil error, want the write refused")
	}
	if seq, _, _ := s.Head(ctx); seq != 0 {
		t.Fatalf("Head() = %d after a refused write, want 0", seq)
	}
	if got, err := s.Events(ctx, 0, 10); err != nil || len(got) != 0 {
		t.Fatalf("Events() = %d events, %v; want none and no error", len(got), err)
	}
	if _, err := s.Event(ctx, "w1"); !tracegraph.IsNotFound(err) {
		t.Fatalf("Event(w1) = %v, want NOT_FOUND", err)
	}
}

// verifiedFactory is smallFactory with a hold and a void, so that every
// kind of record exists.
func verifiedFactory(t testing.TB) []*tracegraph.Event {
	return append(smallFactory(t),
		ev(t, "h1", tracegraph.EventHoldPlaced, 12, map[string]any{"target": "PCB2", "reason": "solder voids"}),
		ev(t, "x1", tracegraph.EventVoided, 13, map[string]any{"event": "t1", "reason": "wrong fixture"}),
	)
}

// closedStore makes a store of verifiedFactory and closes it, its records
// flushed to table files.
func closedStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, verifiedFactory(t)...)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tamper changes the store in dir behind its back.
func tamper(t *testing.T, dir string, f func(db *pebble.DB) error) {
	t.Helper()
	db, err := pebble.Open(dir, &pebble.Options{Logger: pebbleLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f(db); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// firstKey returns the first key with prefix p.
func firstKey(db *pebble.DB, p []byte) ([]byte, []byte, error) {
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return nil, nil, err
	}
	defer it.Close()
	if !it.First() {
		return nil, nil, fmt.Errorf("no key with prefix %q", p)
	}
	return slices.Clone(it.Key()), slices.Clone(it.Value()), nil
}

// rewriteEvent replaces the record of event seq with f's change of it.
func rewriteEvent(seq uint64, f func(rec string) string) func(db *pebble.DB) error {
	return func(db *pebble.DB) error {
		v, closer, err := db.Get(seqKey(pEvent, seq))
		if err != nil {
			return err
		}
		rec := f(string(v))
		closer.Close()
		return db.Set(seqKey(pEvent, seq), []byte(rec), nil)
	}
}

// TestVerifyFindsTampering: every kind of change behind the store's back is
// NOT INTACT with a finding that says what, never a panic; Open refuses the
// stores whose records it needs and cannot decode.
func TestVerifyFindsTampering(t *testing.T) {
	ctx := context.Background()
	last := uint64(len(verifiedFactory(t)))
	tests := []struct {
		name     string
		tamper   func(db *pebble.DB) error
		want     string // in a finding
		openWant string // in Open's error; "" when Open succeeds
	}{
		{"a unit's history deleted", func(db *pebble.DB) error {
			k, _, err := firstKey(db, strKey(pNodeEv, "Unit:PCB1", ""))
			if err != nil {
				return err
			}
			return db.Delete(k, nil)
		}, `node history record "Unit:PCB1/`, ""},
		{"a history entry its edge implies planted", func(db *pebble.DB) error {
			return db.Set(nodeEvKey("Unit:PCB1", 8), nil, nil) // m1: PCB1 consumed from L1
		}, `node history record "Unit:PCB1/8" is not what the log produces (extra)`, ""},
		{"the history mark moved past the head", func(db *pebble.DB) error {
			return db.Set([]byte(histFromKey), binary.BigEndian.AppendUint64(nil, 100), nil)
		}, `node history record "Unit:PCB1/8" that the log produces is missing`, ""},
		{"the history mark cut short", func(db *pebble.DB) error { return db.Set([]byte(histFromKey), []byte{1}, nil) },
			"the history mark cannot be decoded", "the history mark cannot be decoded"},
		{"a fake event id planted", func(db *pebble.DB) error {
			return db.Set(strKey(pEventID, "fake"), binary.BigEndian.AppendUint64(nil, 3), nil)
		}, `event id index record "fake" is not what the log produces (extra)`, ""},
		{"a malformed event id planted", func(db *pebble.DB) error {
			return db.Set(strKey(pEventID, "short"), []byte{1}, nil)
		}, `event id index record "short" is not what the log produces`, ""},
		{"an event's void mark removed", func(db *pebble.DB) error {
			return db.Set(strKey(pEventID, "t1"), binary.BigEndian.AppendUint64(nil, 13), nil)
		}, `event id index record "t1" differs`, ""},
		{"a key of no kind planted", func(db *pebble.DB) error {
			return db.Set([]byte("zz"), []byte("x"), nil)
		}, `unknown (prefix 'z') record "z" is not what the log produces`, ""},
		{"a node altered", func(db *pebble.DB) error {
			return db.Set(strKey(pNode, "Unit:P1"), []byte(`{"l":"Unit","p":{"serial":"P1","partNumber":"FAKE"}}`), nil)
		}, `node record "Unit:P1" differs`, ""},
		{"a hold lifted", func(db *pebble.DB) error {
			k, _, err := firstKey(db, strKey(pHold, "Unit:PCB2", ""))
			if err != nil {
				return err
			}
			return db.Delete(k, nil)
		}, `hold record "Unit:PCB2/`, ""},
		{"an event record that cannot be decoded", rewriteEvent(3, func(rec string) string { return rec[:len(rec)/2] }),
			"event record 3 cannot be decoded", ""},
		{"an event stored in year 10000", rewriteEvent(last, func(rec string) string {
			return regexp.MustCompile(`"time":"[^"]*"`).ReplaceAllString(rec, `"time":"10000-01-01T04:00:00Z"`)
		}), fmt.Sprintf("event record %d cannot be decoded", last), fmt.Sprintf("the head event record %d cannot be decoded", last)},
		{"the head record cut short", func(db *pebble.DB) error { return db.Set([]byte(headKey), []byte{0, 1}, nil) },
			"the head record is malformed", "the head record is malformed"},
		{"a node index record cut short", func(db *pebble.DB) error { return db.Set(nodeIxKey(2), []byte{1, 2}, nil) },
			`node index record "2" differs`, `node index record "2" cannot be decoded`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := closedStore(t)
			tamper(t, dir, tt.tamper)
			rep, err := VerifyDir(ctx, dir, tracegraph.VerifyOptions{})
			if err != nil {
				t.Fatalf("VerifyDir = %v, want a report", err)
			}
			if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), tt.want) {
				t.Fatalf("VerifyDir found %q, want a finding with %q", rep.Problems, tt.want)
			}
			s, err := Open(dir, Options{})
			switch {
			case tt.openWant == "" && err != nil:
				t.Fatalf("Open = %v, want it opened", err)
			case tt.openWant != "" && (err == nil || !strings.Contains(err.Error(), tt.openWant)):
				t.Fatalf("Open = %v, want it refused with %q", err, tt.openWant)
			}
			if err == nil {
				defer s.Close()
				rep, err := s.Verify(ctx, tracegraph.VerifyOptions{})
				if err != nil || rep.OK() {
					t.Fatalf("Store.Verify = %v, %v; want NOT INTACT", rep, err)
				}
			}
		})
	}
}

// TestVerifyDamagedFile: a flipped byte anywhere in a table file makes Open
// refuse the store and verify report the damaged file, never a panic.
func TestVerifyDamagedFile(t *testing.T) {
	dir := closedStore(t)
	ssts, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	if err != nil || len(ssts) == 0 {
		t.Fatalf("no table file in %s (%v)", dir, err)
	}
	orig, err := os.ReadFile(ssts[0])
	if err != nil {
		t.Fatal(err)
	}
	for off := 64; off < len(orig)-64; off += len(orig) / 7 {
		t.Run(fmt.Sprint(off), func(t *testing.T) {
			b := slices.Clone(orig)
			b[off] ^= 0x10
			if err := os.WriteFile(ssts[0], b, 0o644); err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(ssts[0], orig, 0o644)
			rep, err := VerifyDir(context.Background(), dir, tracegraph.VerifyOptions{})
			if err != nil || rep.OK() {
				t.Fatalf("VerifyDir with byte %d flipped = %v, %v; want NOT INTACT", off, rep, err)
			}
			if s, err := Open(dir, Options{}); err == nil {
				s.Close()
				t.Fatalf("Open with byte %d flipped succeeded, want it refused", off)
			}
		})
	}
}

// TestExpectHeadCatchesARewrittenLog: rewriting the last event and
// recomputing its hash and the head leaves a chain that is intact in
// itself; only the head handed out before (the anchor) shows the rewrite.
func TestExpectHeadCatchesARewrittenLog(t *testing.T) {
	ctx := context.Background()
	dir := closedStore(t)
	seq := uint64(len(verifiedFactory(t)))
	var anchor tracegraph.Anchor
	tamper(t, dir, func(db *pebble.DB) error {
		raw, closer, err := db.Get(seqKey(pEvent, seq))
		if err != nil {
			return err
		}
		ev, err := tracegraph.UnmarshalRecord(raw)
		closer.Close()
		if err != nil {
			return err
		}
		anchor = tracegraph.Anchor{Seq: seq, Hash: ev.Hash}
		ev.Seal(ev.Seq, ev.RecordedAt.Add(time.Hour), ev.PrevHash) // recorded an hour later, says the rewrite
		rec, _ := ev.MarshalRecord()
		if err := db.Set(seqKey(pEvent, seq), rec, nil); err != nil {
			return err
		}
		return db.Set([]byte(headKey), append(binary.BigEndian.AppendUint64(nil, seq), ev.Hash...), nil)
	})
	rep, err := VerifyDir(ctx, dir, tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("VerifyDir without an anchor = %v, %v; want the rewrite to pass (it is a valid chain)", rep, err)
	}
	rep, err = VerifyDir(ctx, dir, tracegraph.VerifyOptions{ExpectHead: anchor})
	if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "not the log that head was taken from") {
		t.Fatalf("VerifyDir(expect %s) = %v, %v; want NOT INTACT: not the log that head was taken from", anchor, rep, err)
	}
}
