package cypher

import (
	"context"
	"math"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

var _ tracegraph.EventTimeIndex = (*Store)(nil)

// Open ends of an event time window: event times lie in the years 1 to
// 9999 (tracegraph's record check).
var (
	evTimeMin = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	evTimeMax = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// EventsInTime implements tracegraph.EventTimeIndex through the event time
// index (schema_event_time.cypher, events_in_time.cypher), which Neo4j
// builds for the events a database held before it: it always answers.
func (s *Store) EventsInTime(ctx context.Context, w tracegraph.EventTimeWindow, limit int) ([]*tracegraph.Event, bool, error) {
	if limit <= 0 {
		limit = 1000
	}
	from, to, before := evTimeMin, evTimeMax, int64(math.MaxInt64)
	if !w.From.IsZero() {
		from = w.From.UTC()
	}
	if !w.To.IsZero() {
		to = w.To.UTC()
	}
	if w.Before != 0 {
		before = int64(min(w.Before, math.MaxInt64))
	}
	params := map[string]any{"timeFrom": from, "timeTo": to, "after": int64(min(w.After, math.MaxInt64)), "before": before, "limit": int64(limit)}
	var out []*tracegraph.Event
	err := s.readOp(ctx, "read events by time", func(tx neo4j.ManagedTransaction) error {
		out = nil
		return s.each(ctx, tx, qEventsInTime, params, func(rec *neo4j.Record) error {
			ev, err := eventFromRecord(rec)
			out = append(out, ev)
			return err
		})
	})
	return out, true, err
}
