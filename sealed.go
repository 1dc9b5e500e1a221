package tracegraph

import (
	"context"
	"fmt"
	"io"
)

// CheckContinues checks that sealed events, given in seq order, continue
// the log whose head is seq and hash: consecutive seqs, each event linked to
// the hash of the one before, each hash matching its content. It returns a
// CONFLICT error naming the first event that does not. Stores' Import
// methods (replaying another store's log with its seqs and hashes) use it.
func CheckContinues(events []*Event, seq uint64, hash string) error {
	for _, ev := range events {
		switch {
		case ev.Seq != seq+1:
			return Errorf(CodeConflict, "", "event %q has seq %d; the log continues at %d", ev.ID, ev.Seq, seq+1)
		case ev.PrevHash != hash:
			return Errorf(CodeConflict, "", "event %d (%q) does not link to the hash of event %d", ev.Seq, ev.ID, seq)
		case ev.ComputeHash() != ev.Hash:
			return Errorf(CodeConflict, "", "event %d (%q) has been altered: its hash does not match its content", ev.Seq, ev.ID)
		}
		seq, hash = ev.Seq, ev.Hash
	}
	return nil
}

// WriteLog writes the events with seq in (after, upto] to w as NDJSON, one
// event a line as recorded (MarshalRecord: seq, id, type, time, station,
// operator, data, recordedAt, prevHash, hash), reading page events at a
// time: the archive format of the log, which DecodeRecordLine reads back
// and a store's Import replays with the same chain. It returns the seq of
// the last event written (after when none).
func WriteLog(ctx context.Context, log EventLog, w io.Writer, after, upto uint64, page int) (uint64, error) {
	last := after
	for last < upto {
		evs, err := log.Events(ctx, last, page)
		if err != nil {
			return last, fmt.Errorf("read the log after %d: %w", last, err)
		}
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			if ev.Seq > upto {
				return last, nil
			}
			b, err := ev.MarshalRecord()
			if err != nil {
				return last, err
			}
			if _, err := w.Write(append(b, '\n')); err != nil {
				return last, err
			}
			last = ev.Seq
		}
	}
	return last, nil
}

// DecodeRecordLine decodes one line WriteLog wrote. The event keeps its
// seq, recordedAt and hashes; Import checks them.
func DecodeRecordLine(b []byte) (*Event, error) {
	if len(b) > 2*MaxEventBytes {
		return nil, Errorf(CodeInvalid, "", "record is larger than %d bytes", 2*MaxEventBytes)
	}
	ev, err := UnmarshalRecord(b)
	if err != nil {
		return nil, Errorf(CodeInvalid, "", "not an event record: %v", err)
	}
	if ev.Seq == 0 || ev.Hash == "" {
		return nil, Errorf(CodeInvalid, "seq", "the record has no seq or hash: it is a client event, not a recorded one (import it without --keep-seq)")
	}
	return ev, nil
}
