package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/cockroachdb/pebble/v2"
)

// The store's format. Format 1 (no mark) stored a history entry for every
// node an event changed. Format 2 leaves out the entries the edges an event
// added imply (history.go), from the seq in the history mark on:
//
//	m hist     <seq:8>: every event from seq on stores only the history
//	           entries its added edges do not imply; the events before it
//	           hold them all (a store an older build wrote)
//
// The format itself is the ninth byte of the event time index mark (m
// evtime, eventtime.go): builds before this one read that mark at Open and
// refuse one that is not 8 bytes ("the event time index mark cannot be
// decoded: 9 bytes"), so none of them reads a format 2 store and answers a
// node's history without its edges' events. This build refuses a newer
// format the same way, before it reads anything else.
const (
	storeFormat = 2
	histFromKey = "mhist"
)

// errNewerFormat is a store of a format this build does not read.
type errNewerFormat uint8

func (f errNewerFormat) Error() string {
	return fmt.Sprintf("the store is of format %d, newer than this build reads (%d): open it with the build that wrote it or a newer one", uint8(f), storeFormat)
}

// checkFormat refuses a store of a newer format (Open, before anything is
// read or written).
func checkFormat(r pebble.Reader) error {
	v, closer, err := r.Get([]byte(evTimeFromKey))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the event time index mark: %w", err)
	}
	defer closer.Close()
	if len(v) > 8 && v[8] > storeFormat {
		return errNewerFormat(v[8])
	}
	return nil
}

// evTimeMark encodes the event time index mark: from, and the format.
func evTimeMark(from uint64) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 9), from), storeFormat)
}

// decodeEvTimeMark reads the event time index mark (8 bytes: written by a
// format 1 build).
func decodeEvTimeMark(v []byte) (from uint64, format uint8, err error) {
	switch {
	case len(v) == 8:
		return binary.BigEndian.Uint64(v), 1, nil
	case len(v) == 9 && v[8] == storeFormat:
		return binary.BigEndian.Uint64(v), v[8], nil
	case len(v) == 9 && v[8] > storeFormat:
		return 0, 0, errNewerFormat(v[8])
	}
	return 0, 0, fmt.Errorf("%d bytes", len(v))
}

// openHistory reads the history mark, or makes it: a new store leaves the
// implied entries out from its first event, one an older build wrote from
// the event after its head (a verify replay: from opts.histFullBefore). A
// store it marks is marked format 2 in the same synced batch, before this
// build writes an event into it. The writer has not started.
func (s *Store) openHistory() error {
	v, err := s.get([]byte(histFromKey))
	switch {
	case err == nil && len(v) == 8:
		s.histFrom = binary.BigEndian.Uint64(v)
	case err == nil:
		return &badRecordError{"the history mark", fmt.Errorf("%d bytes", len(v))}
	case err != errNotFound:
		return fmt.Errorf("read the history mark: %w", err)
	default:
		s.histFrom = s.headSeq + 1
		if s.opts.histFullBefore != 0 {
			s.histFrom = s.opts.histFullBefore
		}
	}
	mark, err := s.get([]byte(evTimeFromKey))
	if err != nil {
		return fmt.Errorf("read the event time index mark: %w", err)
	}
	if _, f, _ := decodeEvTimeMark(mark); f == storeFormat && len(v) == 8 {
		return nil
	}
	b := s.db.NewBatch()
	defer b.Close()
	if err := b.Set([]byte(histFromKey), binary.BigEndian.AppendUint64(nil, s.histFrom), nil); err != nil {
		return err
	}
	if err := b.Set([]byte(evTimeFromKey), evTimeMark(s.evTime.from.Load()), nil); err != nil {
		return err
	}
	sync := pebble.Sync
	if s.opts.Bulk {
		sync = pebble.NoSync
	}
	if err := b.Commit(sync); err != nil {
		return fmt.Errorf("mark the store's format: %w", err)
	}
	return nil
}

// histFromOf reads the history mark of r for verify: the seq from which
// implied entries are left out (MaxUint64: a format 1 store, all there), and
// what is wrong with the marks.
func histFromOf(r pebble.Reader, problem func(string, ...any)) uint64 {
	format := uint8(1)
	if v, closer, err := r.Get([]byte(evTimeFromKey)); err == nil {
		var ferr error
		if _, format, ferr = decodeEvTimeMark(v); ferr != nil {
			problem("the event time index mark cannot be decoded: %v", ferr)
		}
		closer.Close()
	}
	v, closer, err := r.Get([]byte(histFromKey))
	if err != nil {
		if format == storeFormat {
			problem("the store is of format %d but has no history mark", format)
		}
		return math.MaxUint64
	}
	defer closer.Close()
	if len(v) != 8 {
		problem("the history mark cannot be decoded: %d bytes", len(v))
		return math.MaxUint64
	}
	return max(binary.BigEndian.Uint64(v), 1)
}
