package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// The event time index (keys.go: t) answers the EPCIS events query by event
// time (tracegraph.EventTimeIndex) without reading the log. Each event's
// entry is written in the batch of the event itself (setEventTime), so the
// index is never behind the log, crash or not. Entries are grouped by
// stretch of the log (block: 4,096 seqs) and in time order within one: a
// window's events after a seq are one seek per stretch, read in time order
// and given out in log order.
//
// A store made before the index has none for the events it held: Open marks
// the index complete from the head on (m evtime) and a goroutine indexes the
// older events, newest stretch first, moving the mark down with each batch.
// Until the mark reaches a query's start, EventsInTime says it cannot answer
// and the caller reads the log, as before the index.

var _ tracegraph.EventTimeIndex = (*Store)(nil)

// evTimeFillChunk is how many log events the fill indexes per batch.
const evTimeFillChunk = 4096

// evTimeIx is the state of the event time index.
type evTimeIx struct {
	// from is the lowest seq from which every event is indexed (1: all).
	from atomic.Uint64
	stop chan struct{} // closed to stop the fill (nil: none started)
	done chan struct{} // closed when the fill has ended
}

// setEventTime stages the event time index entry of ev in the commit's batch.
func (p *persister) setEventTime(ev *tracegraph.Event) error {
	p.key = appendEvTimeKey(p.key[:0], ev.Seq, ev.Time)
	return p.set(p.key, nil)
}

// openEventTimeIndex reads the index's mark, or makes it: a new store is
// indexed from its first event, one made before the index from the event
// after its head (the fill does the rest). The writer has not started.
func (s *Store) openEventTimeIndex() error {
	v, err := s.get([]byte(evTimeFromKey))
	switch {
	case err == nil:
		from, _, err := decodeEvTimeMark(v)
		if err != nil {
			return &badRecordError{"the event time index mark", err}
		}
		s.evTime.from.Store(from)
		return nil
	case err != errNotFound:
		return fmt.Errorf("read the event time index mark: %w", err)
	}
	from := s.headSeq + 1
	sync := pebble.Sync
	if s.opts.Bulk {
		sync = pebble.NoSync
	}
	if err := s.db.Set([]byte(evTimeFromKey), evTimeMark(from), sync); err != nil {
		return fmt.Errorf("mark the event time index: %w", err)
	}
	s.evTime.from.Store(from)
	return nil
}

// startEventTimeFill starts indexing the events before the mark, if any.
func (s *Store) startEventTimeFill() {
	if s.evTime.from.Load() <= 1 {
		return
	}
	s.evTime.stop, s.evTime.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.evTime.done)
		start, from := time.Now(), s.evTime.from.Load()
		if err := s.fillEventTime(s.evTime.stop); err != nil && s.opts.Logger != nil {
			s.opts.Logger.Error("event time index: the fill stopped; EPCIS queries by event time read the log", "err", err)
			return
		}
		if s.evTime.from.Load() <= 1 && s.opts.Logger != nil {
			s.opts.Logger.Info("indexed the events by event time", "events", from-1, "took", time.Since(start).Round(time.Millisecond))
		}
	}()
}

// stopEventTimeFill stops the fill, if one was started, and waits for it.
func (s *Store) stopEventTimeFill() {
	if s.evTime.stop != nil {
		close(s.evTime.stop)
		<-s.evTime.done
	}
}

// fillEventTime indexes the events before the mark, a chunk at a time,
// newest first; each chunk's entries and the mark's move are one batch.
func (s *Store) fillEventTime(stop <-chan struct{}) error {
	var key []byte
	for from := s.evTime.from.Load(); from > 1; {
		select {
		case <-stop:
			return nil
		default:
		}
		lo := from - min(from-1, evTimeFillChunk)
		b := s.db.NewBatch()
		err := func() error {
			defer b.Close()
			it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: seqKey(pEvent, lo), UpperBound: seqKey(pEvent, from)})
			if err != nil {
				return err
			}
			defer it.Close()
			for it.First(); it.Valid(); it.Next() {
				ev, err := tracegraph.UnmarshalRecord(it.Value())
				if err != nil {
					return &badRecordError{fmt.Sprintf("event record %q", printable(it.Key())), err}
				}
				key = appendEvTimeKey(key[:0], ev.Seq, ev.Time)
				if err := b.Set(key, nil, nil); err != nil {
					return err
				}
			}
			if err := it.Error(); err != nil {
				return err
			}
			if err := b.Set([]byte(evTimeFromKey), evTimeMark(lo), nil); err != nil {
				return err
			}
			return b.Commit(pebble.NoSync)
		}()
		if err != nil {
			return err
		}
		s.evTime.from.Store(lo)
		from = lo
	}
	return nil
}

// EventsInTime implements tracegraph.EventTimeIndex: for each stretch of the
// log from the window's start, one seek to the window's first time and a
// read of the stretch's entries in the window, until the stretches read
// hold limit events; then the events are read by seq. A window with nothing
// in the log costs a seek per stretch that has entries after the window's
// start (about 93 for the 378,983 events of the demo).
func (s *Store) EventsInTime(ctx context.Context, w tracegraph.EventTimeWindow, limit int) ([]*tracegraph.Event, bool, error) {
	if limit <= 0 {
		limit = 1000
	}
	if w.After+1 < s.evTime.from.Load() {
		return nil, false, nil
	}
	s.mu.RLock()
	last := s.headSeq // only up to the head, as Events
	s.mu.RUnlock()
	if w.Before != 0 {
		last = min(last, w.Before-1)
	}
	if w.After >= last {
		return nil, true, nil
	}
	seqs, err := s.evTimeSeqs(ctx, w, w.After+1, last, limit)
	if err != nil {
		return nil, true, err
	}
	out := make([]*tracegraph.Event, 0, len(seqs))
	for _, seq := range seqs {
		ev, err := s.eventAt(seq)
		if err != nil {
			return nil, true, err
		}
		out = append(out, ev)
	}
	return out, true, nil
}

// evTimeSeqs returns the first limit seqs from first to last (both in) of
// the events in w's time window, in order.
func (s *Store) evTimeSeqs(ctx context.Context, w tracegraph.EventTimeWindow, first, last uint64, limit int) ([]uint64, error) {
	var from, to []byte
	if !w.From.IsZero() {
		from = appendEvTime(nil, w.From)
	}
	if !w.To.IsZero() {
		to = appendEvTime(nil, w.To)
	}
	lastBlock := last >> evTimeBlockBits
	it, err := s.db.NewIter(&pebble.IterOptions{
		LowerBound: binary.BigEndian.AppendUint64([]byte{pEventTime}, first>>evTimeBlockBits),
		UpperBound: binary.BigEndian.AppendUint64([]byte{pEventTime}, lastBlock+1),
	})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var seqs []uint64
	var seek []byte
	for b := first >> evTimeBlockBits; b <= lastBlock; b++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		seek = binary.BigEndian.AppendUint64(append(seek[:0], pEventTime), b)
		if !it.SeekGE(append(seek, from...)) {
			break
		}
		kb, at, _, ok := decodeEvTimeKey(it.Key())
		if !ok {
			return nil, fmt.Errorf("event time index key %x is malformed", it.Key())
		}
		if kb != b {
			// Nothing of block b in the window: go on in the next block
			// that has entries.
			b = kb - 1
			if bytes.Compare(at, from) < 0 {
				continue
			}
			b = kb
		}
		for ; it.Valid(); it.Next() {
			kb, at, seq, ok := decodeEvTimeKey(it.Key())
			if !ok {
				return nil, fmt.Errorf("event time index key %x is malformed", it.Key())
			}
			if kb != b || to != nil && bytes.Compare(at, to) >= 0 {
				break
			}
			if seq >= first && seq <= last {
				seqs = append(seqs, seq)
			}
		}
		if len(seqs) >= limit {
			break
		}
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	slices.Sort(seqs)
	return seqs[:min(len(seqs), limit)], nil
}

// evTimeFilling reports whether the store r has not indexed every event by
// event time yet (made before the index, its fill not done): Verify then
// leaves the index out of its comparison with the replay, which has it whole.
func evTimeFilling(r pebble.Reader) bool {
	v, closer, err := r.Get([]byte(evTimeFromKey))
	if err != nil {
		return true
	}
	defer closer.Close()
	from, _, err := decodeEvTimeMark(v)
	return err != nil || from > 1
}

// evTimeKey reports whether k is a key of the event time index or its mark.
func evTimeKey(k []byte) bool {
	return k[0] == pEventTime || string(k) == evTimeFromKey
}
