package resolvers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tracegraph/tracegraph"
)

// ApplyRaw decodes each raw event strictly (tracegraph.DecodeEvent) and
// applies the decodable ones with one store.Apply call. It returns one
// outcome per raw event, in order, with Index the position in raw: decode
// failures are rejections. When ctx carries a principal (authentication is
// on), an event whose type it may not record (tracegraph.EventOperation) is
// rejected FORBIDDEN, and the others record its subject as RecordedBy. With opts.Atomic and any decode failure nothing is
// applied and every other event is reported aborted. The error is non-nil
// only when the store failed.
//
// POST /api/v1/events and the ingest mutation both use it, so they answer
// the same transactions the same way.
func ApplyRaw(ctx context.Context, store tracegraph.Store, raw []json.RawMessage, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	out := make([]tracegraph.Outcome, len(raw))
	events := make([]*tracegraph.Event, 0, len(raw))
	at := make([]int, 0, len(raw)) // position in raw of each decoded event
	firstBad := -1
	for i, b := range raw {
		ev, err := tracegraph.DecodeEvent(b)
		out[i].Index = i
		if ev != nil {
			out[i].ID = ev.ID
		} else {
			out[i].ID = idOf(b)
		}
		if p, ok := tracegraph.FromContext(ctx); ok && err == nil {
			ev.RecordedBy = p.Subject
			err = p.May(tracegraph.EventOperation(ev.Type))
		}
		if err != nil {
			out[i].Status, out[i].Error = tracegraph.OutcomeRejected, tracegraph.AsError(err)
			if firstBad < 0 {
				firstBad = i
			}
			continue
		}
		events = append(events, ev)
		at = append(at, i)
	}
	if opts.Atomic && firstBad >= 0 {
		for _, i := range at {
			out[i].Status = tracegraph.OutcomeAborted
			out[i].Error = tracegraph.Errorf(out[firstBad].Error.Code, "",
				"not applied: event %d (%q) of this atomic batch was rejected", firstBad, out[firstBad].ID)
		}
		return out, nil
	}
	if len(events) == 0 {
		return out, nil
	}
	res, err := store.Apply(ctx, events, opts)
	if err != nil {
		return nil, fmt.Errorf("apply %d events: %w", len(events), err)
	}
	if len(res) != len(events) {
		return nil, fmt.Errorf("apply %d events: store answered %d outcomes", len(events), len(res))
	}
	for k, o := range res {
		i := at[k]
		o.Index = i
		if o.Status == tracegraph.OutcomeAborted && o.Error != nil {
			// The store numbers events within the batch it saw; say which
			// raw event it meant.
			o.Error = abortedError(o.Error, res, at)
		}
		out[i] = o
	}
	return out, nil
}

// abortedError renumbers an aborted event's message after the rejected event
// of the batch, in raw positions.
func abortedError(e *tracegraph.Error, res []tracegraph.Outcome, at []int) *tracegraph.Error {
	for k, o := range res {
		if o.Status == tracegraph.OutcomeRejected {
			return tracegraph.Errorf(e.Code, "", "not applied: event %d (%q) of this atomic batch was rejected", at[k], o.ID)
		}
	}
	return e
}

// idOf returns the id of an event that did not decode, when it has one.
func idOf(b []byte) string {
	var v struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	s, _ := v.ID.(string)
	return s
}
