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
// POST /api/v1/events (through Batch) and the ingest mutation both use it, so
// they answer the same transactions the same way.
func ApplyRaw(ctx context.Context, store tracegraph.Store, raw []json.RawMessage, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	b := NewBatch(len(raw))
	for _, r := range raw {
		b.Add(ctx, r)
	}
	return b.Apply(ctx, store, opts)
}

// Batch is a batch of raw events decoded as they are added, so that a caller
// reading a body event by event never holds the body's text: only the
// decoded events and the outcomes of the ones that did not decode. The zero
// Batch is ready to use; a Batch is not safe for concurrent use.
type Batch struct {
	out      []tracegraph.Outcome
	events   []*tracegraph.Event
	at       []int // position of each decoded event
	firstBad int   // position of the first rejection, plus one
}

// NewBatch returns a Batch with room for n events.
func NewBatch(n int) *Batch {
	return &Batch{out: make([]tracegraph.Outcome, 0, n), events: make([]*tracegraph.Event, 0, n), at: make([]int, 0, n)}
}

// Len returns how many events were added.
func (b *Batch) Len() int { return len(b.out) }

// Add decodes one raw event (tracegraph.DecodeEvent): a failure is its
// rejection, and so is an event the principal of ctx may not record (whose
// subject the event records). Add keeps nothing of raw but, for a
// rejection, its id.
func (b *Batch) Add(ctx context.Context, raw []byte) {
	i := len(b.out)
	ev, err := tracegraph.DecodeEvent(raw)
	o := tracegraph.Outcome{Index: i}
	if ev != nil {
		o.ID, o.Type = clipID(ev.ID), ev.Type
	} else {
		o.ID = idOf(raw)
	}
	if p, ok := tracegraph.FromContext(ctx); ok && err == nil {
		ev.RecordedBy = p.Subject
		err = p.May(tracegraph.EventOperation(ev.Type))
	}
	if err != nil {
		o.Status, o.Error = tracegraph.OutcomeRejected, tracegraph.AsError(err)
		if b.firstBad == 0 {
			b.firstBad = i + 1
		}
	} else {
		b.events = append(b.events, ev)
		b.at = append(b.at, i)
	}
	b.out = append(b.out, o)
}

// Apply applies the decoded events with one store.Apply call and returns one
// outcome per added event, in order (see ApplyRaw).
func (b *Batch) Apply(ctx context.Context, store tracegraph.Store, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	out := b.out
	if opts.Atomic && b.firstBad > 0 {
		bad := b.firstBad - 1
		for _, i := range b.at {
			out[i].Status = tracegraph.OutcomeAborted
			out[i].Error = tracegraph.Errorf(out[bad].Error.Code, "",
				"not applied: event %d (%q) of this atomic batch was rejected", bad, out[bad].ID)
		}
		return out, nil
	}
	if len(b.events) == 0 {
		return out, nil
	}
	res, err := store.Apply(ctx, b.events, opts)
	if err != nil {
		return nil, fmt.Errorf("apply %d events: %w", len(b.events), err)
	}
	if len(res) != len(b.events) {
		return nil, fmt.Errorf("apply %d events: store answered %d outcomes", len(b.events), len(res))
	}
	for k, o := range res {
		i := b.at[k]
		o.Index, o.Type = i, b.events[k].Type
		if o.Status == tracegraph.OutcomeAborted && o.Error != nil {
			// The store numbers events within the batch it saw; say which
			// raw event it meant.
			o.Error = abortedError(o.Error, res, b.at)
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
	return clipID(s)
}

// clipID shortens an id that is too long to be valid to the longest valid
// length, so that an answer never echoes a huge id.
func clipID(id string) string { return Clip(id, tracegraph.MaxEventIDLen) }
