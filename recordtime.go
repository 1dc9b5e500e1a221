package tracegraph

import (
	"context"
	"fmt"
	"time"
)

// RecordTime is when a commit records its events: now, or the head
// event's record time when the clock reads earlier (a clock stepped back),
// so that record times never decrease along the log. EPCIS partners poll by
// record time (GE_recordTime: everything recorded since they last asked),
// which would miss events recorded "in the past"; and the first event of a
// record-time window is found by a binary search of the log
// (RecordedSince).
func RecordTime(now, head time.Time) time.Time {
	if now.Before(head) {
		return head
	}
	return now
}

// RecordedSince returns the seq after which the events recorded at t or
// later begin: every event with a seq up to it was recorded before t. It
// searches the log by halves (about 20 reads of one event for a million
// events), trusting record times never to decrease along the log
// (RecordTime); it reads no further than the head it finds first.
func RecordedSince(ctx context.Context, log EventLog, t time.Time) (uint64, error) {
	head, _, err := log.Head(ctx)
	if err != nil {
		return 0, err
	}
	// Invariant: the event lo (if any) was recorded before t; the events
	// after hi, at or after it.
	lo, hi := uint64(0), head
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		evs, err := log.Events(ctx, mid-1, 1)
		if err != nil {
			return 0, err
		}
		if len(evs) != 1 || evs[0].Seq != mid {
			return 0, fmt.Errorf("record time search: event %d is missing from the log", mid)
		}
		if evs[0].RecordedAt.Before(t) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo, nil
}
