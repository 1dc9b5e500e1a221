package server

import (
	"context"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest/epcis"
)

// logQueryEach calls f on the log events of a query that names neither EPCs
// nor event IDs, in log order from the page's start, until f says stop:
//
//   - its record-time window is a stretch of the log (record times never
//     decrease along it), whose ends are found by halves
//     (tracegraph.RecordedSince);
//   - with an event-time window (GE_eventTime, LT_eventTime), a store that
//     indexes events by event time (tracegraph.EventTimeIndex) gives the
//     window's events only, a batch at a time;
//   - otherwise (no event-time window, or an index not built yet) it reads
//     that stretch of the log, at most s.epcis.maxScan events: then it
//     returns the seq of the last one read, where the next page goes on (0
//     when it read to the end).
func (s *Server) logQueryEach(ctx context.Context, q *epcis.Query, f func([]*tracegraph.Event) (bool, error)) (uint64, error) {
	from, before := q.After, uint64(0)
	if !q.RecordFrom.IsZero() {
		since, err := tracegraph.RecordedSince(ctx, s.cfg.Store, q.RecordFrom)
		if err != nil {
			return 0, err
		}
		from = max(from, since)
	}
	if !q.RecordTo.IsZero() {
		until, err := tracegraph.RecordedSince(ctx, s.cfg.Store, q.RecordTo)
		if err != nil {
			return 0, err
		}
		if before = until + 1; from+1 >= before {
			return 0, nil // nothing recorded in the window after from
		}
	}
	if ix, ok := s.cfg.Store.(tracegraph.EventTimeIndex); ok && (!q.From.IsZero() || !q.To.IsZero()) {
		w := tracegraph.EventTimeWindow{From: q.From, To: q.To, After: from, Before: before}
		for {
			evs, indexed, err := ix.EventsInTime(ctx, w, epcisScanBatch)
			if err != nil {
				return 0, err
			}
			if !indexed {
				from = w.After // not indexed yet that far back: read the log
				break
			}
			if more, err := f(evs); err != nil || !more || len(evs) < epcisScanBatch {
				return 0, err
			}
			w.After = evs[len(evs)-1].Seq
		}
	}
	return s.logEach(ctx, from, before, s.epcis.maxScan, f)
}
