package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// Verify implements tracegraph.Verifier on a consistent snapshot of the
// store, so it may run while the store serves and ingests: it checks the
// events committed when it started. See verify for what it checks.
func (s *Store) Verify(ctx context.Context, opts tracegraph.VerifyOptions) (*tracegraph.VerifyReport, error) {
	snap := s.db.NewSnapshot()
	defer snap.Close()
	return verify(ctx, snap, opts)
}

// VerifyDir verifies the store in dir without opening it as a Store: a
// store that Open refuses (a damaged file, a record that cannot be decoded)
// gets a report saying what is wrong. The store must not be in use.
func VerifyDir(ctx context.Context, dir string, opts tracegraph.VerifyOptions) (*tracegraph.VerifyReport, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no store in %s: %w", dir, err)
	}
	po := pebbleOptions(Options{CacheBytes: 64 << 20})
	po.ReadOnly = true
	defer po.Cache.Unref()
	db, err := pebble.Open(dir, po)
	if pebble.IsCorruptionError(err) {
		rep := &tracegraph.VerifyReport{Problems: []string{}}
		rep.Problemf("the store's files are damaged: %v", err)
		return rep, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open store in %s (is a service using it?): %w", dir, err)
	}
	defer db.Close()
	return verify(ctx, db, opts)
}

// verify checks r, a store's keys: that the log is a dense, unbroken hash
// chain of records that decode, ending at the head; then it replays the log
// through the rules into a scratch store and compares every other key (the
// event id index, nodes, edges, holds, identifiers, each node's history and
// the secondary indexes) with the replay's: the store must hold exactly what
// the log produces. Whatever it cannot read is a finding, never a panic; the
// error is for failures of the check itself.
func verify(ctx context.Context, r pebble.Reader, opts tracegraph.VerifyOptions) (rep *tracegraph.VerifyReport, err error) {
	rep = &tracegraph.VerifyReport{Problems: []string{}}
	problem := rep.Problemf
	defer func() {
		if p := recover(); p != nil {
			problem("verify stopped on a record it could not read: %v", p)
			err = nil
		}
	}()
	headSeq, headHash, herr := readHead(r)
	if herr != nil {
		problem("%s", damaged(herr))
	}
	rep.HeadSeq, rep.HeadHash = headSeq, headHash
	scratch, err := os.MkdirTemp("", "tracegraph-verify-")
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer os.RemoveAll(scratch)
	// The replay stores the history entries the store should hold: all of
	// them before its history mark (format.go).
	replay, err := Open(scratch, Options{MemTableBytes: 16 << 20, CacheBytes: 32 << 20, histFullBefore: histFromOf(r, problem)})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer replay.Close()

	var chain tracegraph.ChainChecker
	chain.Expect(opts.ExpectHead)
	replayBatch := func(evs []*tracegraph.Event) error {
		if len(evs) == 0 {
			return nil
		}
		fresh := make([]*tracegraph.Event, len(evs))
		for k, ev := range evs {
			fresh[k] = ev.Unsealed()
		}
		outs, err := replay.Apply(ctx, fresh, tracegraph.ApplyOptions{})
		if err != nil {
			return fmt.Errorf("verify: replay: %w", err)
		}
		for k, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				problem("event %d (%q) is refused when the log is replayed: %v", evs[k].Seq, evs[k].ID, o.Error)
			}
		}
		if opts.Progress != nil {
			opts.Progress(rep.Events, headSeq)
		}
		return nil
	}
	err = scanReader(r, []byte{pEvent}, []byte{pEvent + 1}, func(it *pebble.Iterator) error {
		const batch = 2000
		evs := make([]*tracegraph.Event, 0, batch)
		for it.First(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			ev := checkEventRecord(r, it, problem)
			if ev == nil {
				continue
			}
			for _, p := range chain.Check(ev) {
				problem("%s", p)
			}
			rep.Events++
			if evs = append(evs, ev); len(evs) == batch {
				if err := replayBatch(evs); err != nil {
					return err
				}
				evs = evs[:0]
			}
		}
		return replayBatch(evs)
	})
	if err != nil {
		if ctx.Err() != nil || !pebble.IsCorruptionError(err) {
			return nil, err
		}
		problem("the store's files are damaged: %s", damaged(err))
		return rep, nil
	}
	if rep.Events != headSeq {
		problem("the head says %d events, the log holds %d", headSeq, rep.Events)
	}
	if last, _ := chain.Last(); last != headHash {
		problem("the head hash does not match the last event's hash")
	}
	for _, p := range chain.Finish() {
		problem("%s", p)
	}
	err = compareRecords(ctx, r, replay.db, evTimeFilling(r), problem)
	if pebble.IsCorruptionError(err) {
		problem("the store's files are damaged: %s", damaged(err))
		return rep, nil
	}
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return rep, nil
}

// readHead reads the head record of r.
func readHead(r pebble.Reader) (seq uint64, hash string, err error) {
	v, closer, err := r.Get([]byte(headKey))
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("read head: %w", err)
	}
	defer closer.Close()
	if len(v) < 8 {
		return 0, "", fmt.Errorf("the head record is malformed (%d bytes)", len(v))
	}
	return binary.BigEndian.Uint64(v[:8]), string(v[8:]), nil
}

// checkEventRecord decodes the event record at it and checks its key and
// its entry in the event id index. It returns nil for a record that cannot
// be decoded.
func checkEventRecord(r pebble.Reader, it *pebble.Iterator, problem func(string, ...any)) *tracegraph.Event {
	k := it.Key()
	if len(k) != 9 {
		problem("event key %q is malformed", printable(k))
		return nil
	}
	seq := binary.BigEndian.Uint64(k[1:])
	v, err := it.ValueAndErr()
	if err != nil {
		problem("event record %d cannot be read: %s", seq, damaged(err))
		return nil
	}
	ev, err := tracegraph.UnmarshalRecord(v)
	if err != nil {
		problem("event record %d cannot be decoded: %v", seq, err)
		return nil
	}
	if ev.Seq != seq {
		problem("event record %d says it is event %d", seq, ev.Seq)
	}
	iv, closer, err := r.Get(strKey(pEventID, ev.ID))
	if err != nil {
		if errors.Is(err, pebble.ErrNotFound) {
			problem("event %d (%q) is not indexed by its id", ev.Seq, ev.ID)
		} else {
			problem("event %d (%q): its id index entry cannot be read: %s", ev.Seq, ev.ID, damaged(err))
		}
		return ev
	}
	if len(iv) < 8 || binary.BigEndian.Uint64(iv[:8]) != ev.Seq {
		problem("event %d (%q) is not indexed by its id", ev.Seq, ev.ID)
	}
	closer.Close()
	return ev
}

// scanReader calls f with an iterator over [lo, hi) of r and returns f's
// error or the iterator's.
func scanReader(r pebble.Reader, lo, hi []byte, f func(*pebble.Iterator) error) error {
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	ferr := f(it)
	if ferr == nil {
		ferr = it.Error()
	}
	if cerr := it.Close(); ferr == nil {
		ferr = cerr
	}
	return ferr
}

var recordNames = map[byte]string{pEventID: "event id index", pNode: "node", pNodeIx: "node index", pEdge: "edge",
	pHold: "hold", pHeldBy: "hold index", pIdent: "identifier", pNodeEv: "node history", pMaterialIx: "material index",
	pRecordIx: "record index", pMeta: "meta", pEventTime: "event time index"}

// compareRecords reports every key of the store that differs from its
// replay, but the event records (the chain check's) and the head (whose hash
// is the replay's own).
func compareRecords(ctx context.Context, got pebble.Reader, want *pebble.DB, skipEvTime bool, problem func(string, ...any)) error {
	return scanReader(got, nil, nil, func(a *pebble.Iterator) error {
		return scanReader(want, nil, nil, func(b *pebble.Iterator) error {
			skip := func(it *pebble.Iterator) {
				for it.Valid() && len(it.Key()) > 0 && (it.Key()[0] == pEvent || ownMark(it.Key()) || skipEvTime && evTimeKey(it.Key())) {
					if k := it.Key()[0]; k == pEvent || k == pEventTime {
						it.SeekGE([]byte{k + 1})
					} else {
						it.Next()
					}
				}
			}
			a.First()
			b.First()
			for n := 0; ; n++ {
				skip(a)
				skip(b)
				if !a.Valid() && !b.Valid() {
					return nil
				}
				if n&4095 == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				switch c := compareIters(a, b); {
				case c < 0:
					problem("%s record %q is not what the log produces (extra)", recordName(a.Key()), printable(a.Key()))
					a.Next()
				case c > 0:
					problem("%s record %q that the log produces is missing", recordName(b.Key()), printable(b.Key()))
					b.Next()
				default:
					av, err := a.ValueAndErr()
					if err != nil {
						return err
					}
					if !bytes.Equal(av, b.Value()) && !sameRecord(a.Key(), av, b.Value()) {
						problem("%s record %q differs from what the log produces", recordName(a.Key()), printable(a.Key()))
					}
					a.Next()
					b.Next()
				}
			}
		})
	})
}

// ownMark reports whether k is a mark verify does not compare: the head
// (whose hash is the replay's own), the event time index mark and the
// history mark (the replay's are made from the store's; histFromOf checks
// them).
func ownMark(k []byte) bool {
	switch string(k) {
	case headKey, evTimeFromKey, histFromKey:
		return true
	}
	return false
}

func recordName(k []byte) string {
	if len(k) == 0 {
		return "empty key"
	}
	if n, ok := recordNames[k[0]]; ok {
		return n
	}
	return fmt.Sprintf("unknown (prefix %q)", k[0])
}

func compareIters(a, b *pebble.Iterator) int {
	switch {
	case !a.Valid():
		return 1
	case !b.Valid():
		return -1
	}
	return bytes.Compare(a.Key(), b.Key())
}

// printable renders a key without its prefix: numbers as numbers, and the
// separators of its parts as '/'.
func printable(k []byte) string {
	switch {
	case len(k) == 0:
		return ""
	case k[0] == pNodeIx && len(k) == 5:
		return fmt.Sprint(binary.BigEndian.Uint32(k[1:]))
	case (k[0] == pEdge || k[0] == pEvent) && len(k) == 9:
		return fmt.Sprint(binary.BigEndian.Uint64(k[1:]))
	case k[0] == pNodeEv && len(k) >= 10 && k[len(k)-9] == separator:
		return fmt.Sprintf("%s/%d", k[1:len(k)-9], binary.BigEndian.Uint64(k[len(k)-8:]))
	}
	return string(bytes.ReplaceAll(k[1:], []byte{separator}, []byte{'/'}))
}

// damaged returns the first line of err's text: Pebble's corruption errors
// carry more lines of detail for debugging.
func damaged(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}
