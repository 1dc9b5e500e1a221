package tracegraph

import (
	"context"
	"time"
)

// EventTimeWindow selects log events by event time and place in the log:
// the events with After < seq (and seq < Before, when Before is not 0)
// whose Time is in [From, To) (a zero bound is open).
type EventTimeWindow struct {
	From, To      time.Time
	After, Before uint64
}

// Holds reports whether ev is in the window.
func (w EventTimeWindow) Holds(ev *Event) bool {
	return ev.Seq > w.After && (w.Before == 0 || ev.Seq < w.Before) &&
		(w.From.IsZero() || !ev.Time.Before(w.From)) && (w.To.IsZero() || ev.Time.Before(w.To))
}

// EventTimeIndex is a store that finds log events by event time through an
// index, without reading the log between them (the EPCIS events query by
// GE_eventTime / LT_eventTime, docs/epcis.md).
type EventTimeIndex interface {
	// EventsInTime returns up to limit events of the window, in log (seq)
	// order: the first ones, so that the next call goes on after the last.
	// Fewer than limit means there are no more. ok is false when the index
	// cannot answer for the window yet (a store made before it, still
	// being indexed): then the caller reads the log.
	EventsInTime(ctx context.Context, w EventTimeWindow, limit int) (evs []*Event, ok bool, err error)
}
