package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// Verify implements tracegraph.Verifier. It checks that the log is a dense,
// unbroken hash chain whose every event is indexed by its id, then replays the
// whole log through the rules into a scratch store and compares every node,
// edge, hold and identifier record with this store's: the graph must be
// exactly the projection of the log.
func (s *Store) Verify(ctx context.Context, progress func(done, total uint64)) (*tracegraph.VerifyReport, error) {
	headSeq, headHash, _ := s.Head(ctx)
	rep := &tracegraph.VerifyReport{HeadHash: headHash}
	problem := rep.Problemf
	scratch, err := os.MkdirTemp("", "tracegraph-verify-")
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer os.RemoveAll(scratch)
	replay, err := Open(scratch, Options{MemTableBytes: 16 << 20, CacheBytes: 32 << 20})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer replay.Close()

	var chain tracegraph.ChainChecker
	const batch = 2000
	for {
		_, next := chain.Last()
		evs, err := s.Events(ctx, next-1, batch)
		if err != nil {
			return nil, fmt.Errorf("verify: read log: %w", err)
		}
		if len(evs) == 0 {
			break
		}
		fresh := make([]*tracegraph.Event, len(evs))
		for k, ev := range evs {
			for _, p := range chain.Check(ev) {
				problem("%s", p)
			}
			if v, err := s.get(strKey(pEventID, ev.ID)); err != nil || len(v) < 8 || binary.BigEndian.Uint64(v[:8]) != ev.Seq {
				problem("event %d (%q) is not indexed by its id", ev.Seq, ev.ID)
			}
			fresh[k] = ev.Unsealed()
		}
		outs, err := replay.Apply(ctx, fresh, tracegraph.ApplyOptions{})
		if err != nil {
			return nil, fmt.Errorf("verify: replay: %w", err)
		}
		for k, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				problem("event %d (%q) is refused when the log is replayed: %v", evs[k].Seq, evs[k].ID, o.Error)
			}
		}
		rep.Events += uint64(len(evs))
		if progress != nil {
			progress(rep.Events, headSeq)
		}
	}
	if rep.Events != headSeq {
		problem("the head says %d events, the log holds %d", headSeq, rep.Events)
	}
	if last, _ := chain.Last(); last != headHash {
		problem("the head hash does not match the last event's hash")
	}
	for _, p := range []byte{pNode, pNodeIx, pEdge, pHold, pHeldBy, pIdent, pMaterialIx, pRecordIx} {
		if err := compareRecords(ctx, s.db, replay.db, p, problem); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
	}
	return rep, nil
}

var recordNames = map[byte]string{pNode: "node", pNodeIx: "node index", pEdge: "edge", pHold: "hold", pHeldBy: "hold index",
	pIdent: "identifier", pMaterialIx: "material index", pRecordIx: "record index"}

// compareRecords reports every key under prefix p that differs between the
// store and its replay.
func compareRecords(ctx context.Context, got, want *pebble.DB, p byte, problem func(string, ...any)) error {
	bounds := &pebble.IterOptions{LowerBound: []byte{p}, UpperBound: []byte{p + 1}}
	a, err := got.NewIter(bounds)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := want.NewIter(bounds)
	if err != nil {
		return err
	}
	defer b.Close()
	name := recordNames[p]
	a.First()
	b.First()
	for n := 0; a.Valid() || b.Valid(); n++ {
		if n&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		switch c := compareIters(a, b); {
		case c < 0:
			problem("%s record %q is not what the log produces (extra)", name, printable(a.Key()))
			a.Next()
		case c > 0:
			problem("%s record %q that the log produces is missing", name, printable(b.Key()))
			b.Next()
		default:
			if !bytes.Equal(a.Value(), b.Value()) {
				problem("%s record %q differs from what the log produces", name, printable(a.Key()))
			}
			a.Next()
			b.Next()
		}
	}
	if err := a.Error(); err != nil {
		return err
	}
	return b.Error()
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

func printable(k []byte) string {
	return string(bytes.ReplaceAll(k[1:], []byte{0}, []byte{'/'}))
}
