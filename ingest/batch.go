package ingest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tracegraph/tracegraph"
)

// Applier applies normalized events under the rules and answers one outcome
// per event, in order; the error is non-nil only when it failed as a whole.
// tracegraph.Store is one (its EventLog.Apply); a client of a running
// service is another.
type Applier interface {
	Apply(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error)
}

// Result is what became of a batch: one outcome per event added, in order
// (Index its position from 0), and their tally. Every transport renders it:
// the HTTP answer, the GraphQL IngestResult, the import command's summary.
type Result struct {
	tracegraph.Tally
	Outcomes []tracegraph.Outcome
	// Lines holds the line of a body each event starts on (from 1), 0 for
	// an event not read from a body.
	Lines []int
}

// Batch is a batch of events checked as they are added, so that a caller
// reading a body event by event never holds the body's text: only the
// decoded events and the outcomes of the ones that did not decode. The zero
// Batch is ready to use; a Batch is not safe for concurrent use.
type Batch struct {
	out      []tracegraph.Outcome
	lines    []int
	events   []*tracegraph.Event
	at       []int // position of each decoded event
	firstBad int   // position of the first rejection, plus one
}

// NewBatch returns a Batch with room for n events.
func NewBatch(n int) *Batch {
	return &Batch{out: make([]tracegraph.Outcome, 0, n), lines: make([]int, 0, n),
		events: make([]*tracegraph.Event, 0, n), at: make([]int, 0, n)}
}

// Len returns how many events were added.
func (b *Batch) Len() int { return len(b.out) }

// Add decodes one event as a client sent it (tracegraph.DecodeEvent, strict)
// that starts on line of its body (0: not from a body): a failure is its
// rejection. Add keeps nothing of raw but, for a rejection, its id. See
// AddEvent for the principal.
func (b *Batch) Add(ctx context.Context, raw []byte, line int) {
	ev, err := tracegraph.DecodeEvent(raw)
	b.AddDecoded(ctx, ev, err, raw, line)
}

// AddDecoded is Add of an event raw decoded already: ev and err are what
// tracegraph.DecodeEvent answered for it (ReadEvents hands them out).
func (b *Batch) AddDecoded(ctx context.Context, ev *tracegraph.Event, err error, raw []byte, line int) {
	id := ""
	if ev != nil {
		id = ev.ID
	} else {
		id = idOf(raw)
	}
	b.add(ctx, ev, id, err, line)
}

// AddEvent adds an event built by a translator (from an IPC-CFX message, an
// EPCIS document): it is normalized (tracegraph.Event.Normalize), and a
// failure is its rejection, as for Add.
//
// When ctx carries a principal (authentication is on), an event whose type
// it may not record (tracegraph.EventOperation) is rejected FORBIDDEN, and
// the others record its subject as RecordedBy (ev is changed).
func (b *Batch) AddEvent(ctx context.Context, ev *tracegraph.Event, line int) {
	b.add(ctx, ev, ev.ID, ev.Normalize(), line)
}

func (b *Batch) add(ctx context.Context, ev *tracegraph.Event, id string, err error, line int) {
	i := len(b.out)
	o := tracegraph.Outcome{Index: i, ID: clipID(id)}
	if ev != nil {
		o.Type = ev.Type
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
	b.lines = append(b.lines, line)
}

// Apply applies the events that passed with one a.Apply call and returns
// one outcome per added event, in order. With opts.Atomic and any event
// rejected already, nothing is applied and every other event is reported
// aborted, as the store does for a refusal of its rules. The error is
// non-nil only when a failed. Apply empties the batch for reuse.
func (b *Batch) Apply(ctx context.Context, a Applier, opts tracegraph.ApplyOptions) (Result, error) {
	res := Result{Outcomes: b.out, Lines: b.lines}
	defer b.reset()
	if opts.Atomic && b.firstBad > 0 {
		bad := b.firstBad - 1
		for _, i := range b.at {
			res.Outcomes[i].Status = tracegraph.OutcomeAborted
			res.Outcomes[i].Error = abortError(res.Outcomes[bad].Error.Code, bad, res.Outcomes[bad].ID)
		}
	} else if len(b.events) > 0 {
		outs, err := a.Apply(ctx, b.events, opts)
		if err != nil {
			return Result{}, fmt.Errorf("apply %d events: %w", len(b.events), err)
		}
		if len(outs) != len(b.events) {
			return Result{}, fmt.Errorf("apply %d events: %d outcomes answered", len(b.events), len(outs))
		}
		// An atomic batch reaches the applier whole, so that the positions
		// its abort messages name are the added events' own.
		for k, o := range outs {
			i := b.at[k]
			o.Index, o.Type = i, b.events[k].Type
			res.Outcomes[i] = o
		}
	}
	res.Tally = tracegraph.CountOutcomes(res.Outcomes)
	return res, nil
}

// reset empties b, leaving the slices it returned to their owner.
func (b *Batch) reset() { *b = Batch{} }

// abortError is the error of an event aborted with an atomic batch because
// event bad (id) was rejected with code.
func abortError(code tracegraph.Code, bad int, id string) *tracegraph.Error {
	return tracegraph.Errorf(code, "", "not applied: event %d (%q) of this atomic batch was rejected", bad, id)
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

// clipID shortens an id that is too long to be valid to the longest valid
// length, so that an answer never echoes a huge id.
func clipID(id string) string { return tracegraph.Clip(id, tracegraph.MaxEventIDLen) }

// Apply checks and applies events a translator built (Batch.AddEvent each,
// then Batch.Apply): the entry point of IPC-CFX, EPCIS and any other source
// that makes its own events.
func Apply(ctx context.Context, a Applier, events []*tracegraph.Event, opts tracegraph.ApplyOptions) (Result, error) {
	b := NewBatch(len(events))
	for _, ev := range events {
		b.AddEvent(ctx, ev, 0)
	}
	return b.Apply(ctx, a, opts)
}

// ApplyRaw decodes and applies events as clients send them, each its own
// JSON text (Batch.Add each, then Batch.Apply): the GraphQL ingest
// mutation's entry point.
func ApplyRaw(ctx context.Context, a Applier, raw []json.RawMessage, opts tracegraph.ApplyOptions) (Result, error) {
	b := NewBatch(len(raw))
	for _, r := range raw {
		b.Add(ctx, r, 0)
	}
	return b.Apply(ctx, a, opts)
}
