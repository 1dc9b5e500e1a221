package tracegraph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// AllocationRequest asks for the next serial numbers of a product.
type AllocationRequest struct {
	PartNumber string
	Count      int
	// Request is the request's id and its idempotency key: it becomes the
	// id of the serials.allocated event, so the same request sent again
	// (same part number and count) answers the serials it was given, and a
	// request id used for anything else is a CONFLICT.
	Request string
	// Time is when the serials are allocated (the server's clock): the date
	// parts of the pattern are evaluated at it, in UTC. A repeated request
	// keeps the time of the first.
	Time time.Time
	// Operator is recorded on the event (optional).
	Operator string
}

// Allocation is what AllocateSerials issued.
type Allocation struct {
	Request    string   `json:"request"`
	PartNumber string   `json:"partNumber"`
	Serials    []string `json:"serials"`
	// First is the sequence number of the first serial; the others follow
	// without a gap.
	First       uint64    `json:"first"`
	AllocatedAt time.Time `json:"allocatedAt"`
	// Seq is the seq of the serials.allocated event that records it.
	Seq uint64 `json:"seq"`
	// Repeated is true when the request had been answered before: these
	// are the serials it was given then.
	Repeated bool `json:"repeated"`
}

// AllocateSerials issues the next req.Count serials of the product's scheme
// by recording a serials.allocated event with the id req.Request, recorded
// by the principal of ctx (Actor). It returns once the allocation is
// durable. Refusals are domain errors: INVALID (a bad request), NOT_FOUND
// (no such product), CONFLICT (no scheme, or the request id names another
// event), LIMIT (the sequence is exhausted). Safe for concurrent use: the
// store projects events one at a time, so concurrent requests never get the
// same serial.
func AllocateSerials(ctx context.Context, log EventLog, req AllocationRequest) (*Allocation, error) {
	if req.Request == "" {
		return nil, Errorf(CodeInvalid, "request", "request is required: the request's id, its idempotency key")
	}
	data, err := json.Marshal(SerialsAllocated{PartNumber: req.PartNumber, Count: req.Count})
	if err != nil {
		return nil, fmt.Errorf("encode allocation: %w", err)
	}
	ev := &Event{ID: req.Request, Type: EventSerialsAllocated, Time: req.Time, Operator: req.Operator, Data: data, RecordedBy: Actor(ctx)}
	if err := ev.Normalize(); err != nil {
		return nil, requestField(err)
	}
	outs, err := log.Apply(ctx, []*Event{ev}, ApplyOptions{})
	if err != nil {
		return nil, fmt.Errorf("allocate serials: %w", err)
	}
	if len(outs) != 1 {
		return nil, fmt.Errorf("allocate serials: the store answered %d outcomes", len(outs))
	}
	o := outs[0]
	if o.Status == OutcomeRejected {
		if o.Error == nil {
			return nil, fmt.Errorf("allocate serials: refused without a reason")
		}
		return nil, requestField(o.Error)
	}
	rec, err := log.Event(ctx, req.Request)
	if err != nil {
		return nil, fmt.Errorf("read allocation %q: %w", req.Request, err)
	}
	p, err := rec.Payload()
	if err != nil {
		return nil, fmt.Errorf("decode allocation %q: %w", req.Request, err)
	}
	d, ok := p.(*SerialsAllocated)
	if !ok || d.request() {
		return nil, fmt.Errorf("allocation %q is recorded as %s without serials", req.Request, rec.Type)
	}
	return &Allocation{Request: rec.ID, PartNumber: d.PartNumber, Serials: d.Serials, First: d.First,
		AllocatedAt: rec.Time, Seq: rec.Seq, Repeated: o.Status == OutcomeDuplicate}, nil
}

// requestField names the request where an error names the event's id or data.
func requestField(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	switch {
	case c.Field == "id":
		c.Field = "request"
		if c.Code == CodeConflict {
			c.Message = fmt.Sprintf("request id was used for another request or event; give a new request id (%s)", e.Message)
		}
	case len(c.Field) > 5 && c.Field[:5] == "data.":
		c.Field = c.Field[5:]
	}
	return &c
}
