package cfx

import (
	"context"
	"fmt"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest"
)

// The statuses of one CFX message.
const (
	// StatusAccepted: its events are applied and durable (a redelivery
	// of a message applied in part before cannot happen: a message is
	// applied all or nothing).
	StatusAccepted = "accepted"
	// StatusDuplicate: every one of its events was recorded already (a
	// redelivery); nothing changed.
	StatusDuplicate = "duplicate"
	// StatusIgnored: tracegraph does not use this message; nothing changed.
	StatusIgnored = "ignored"
	// StatusRejected: the message cannot be mapped, or tracegraph refuses
	// one of its events; nothing of it is applied. Error says why.
	StatusRejected = "rejected"
)

// Result is what became of one CFX message.
type Result struct {
	Index       int    `json:"index"`
	MessageName string `json:"messageName,omitempty"`
	UniqueID    string `json:"uniqueID,omitempty"`
	Status      string `json:"status"`
	// Events are the outcomes of the message's events, in order.
	Events []tracegraph.Outcome `json:"events,omitempty"`
	Error  *tracegraph.Error    `json:"error,omitempty"`
}

// Ingester maps CFX messages and applies their events, each message's all
// or none. It is safe for concurrent use.
type Ingester struct {
	Store  tracegraph.Store
	Mapper *Mapper
	// Observe, when set, is told every message's result (for metrics).
	Observe func(Result)
}

// NewIngester returns an Ingester of store's with opts.
func NewIngester(store tracegraph.Store, opts Options) *Ingester {
	return &Ingester{Store: store, Mapper: &Mapper{Store: store, Options: opts}}
}

// Ingest maps env and applies its events atomically (ingest.Apply). When
// ctx carries a principal, its subject records the events and each event's
// type must be one it may record (else the message is rejected FORBIDDEN). The error
// is non-nil only when the store failed (the message is neither applied
// nor refused: try it again later).
func (in *Ingester) Ingest(ctx context.Context, env Envelope) (Result, error) {
	r, err := in.ingest(ctx, env)
	if err == nil {
		in.observe(r)
	}
	return r, err
}

// observe tells Observe, when set, of r.
func (in *Ingester) observe(r Result) {
	if in.Observe != nil {
		in.Observe(r)
	}
}

// IngestRaw decodes one envelope (DecodeEnvelope) and ingests it; an
// envelope that does not decode is rejected.
func (in *Ingester) IngestRaw(ctx context.Context, raw []byte) (Result, error) {
	env, err := DecodeEnvelope(raw)
	if err != nil {
		r := Result{MessageName: env.MessageName, UniqueID: env.UniqueID, Status: StatusRejected, Error: tracegraph.AsError(err)}
		in.observe(r)
		return r, nil
	}
	return in.Ingest(ctx, env)
}

func (in *Ingester) ingest(ctx context.Context, env Envelope) (Result, error) {
	r := Result{MessageName: env.MessageName, UniqueID: env.UniqueID}
	mp, err := in.Mapper.Map(ctx, env)
	if tracegraph.ErrorCode(err) == tracegraph.CodeInternal {
		return r, fmt.Errorf("map %s %s: %w", env.MessageName, env.UniqueID, err)
	}
	if err != nil {
		r.Status, r.Error = StatusRejected, tracegraph.AsError(err)
		return r, nil
	}
	if !mp.Used {
		r.Status = StatusIgnored
		return r, nil
	}
	if len(mp.Events) == 0 {
		r.Status = StatusAccepted
		return r, nil
	}
	res, err := ingest.Apply(ctx, in.Store, mp.Events, tracegraph.ApplyOptions{Atomic: true})
	if err != nil {
		return r, fmt.Errorf("apply %s %s: %w", env.MessageName, env.UniqueID, err)
	}
	r.Events = res.Outcomes
	switch {
	case res.Rejected > 0:
		r.Status, r.Error = StatusRejected, refusal(res.Outcomes)
	case res.Accepted == 0:
		r.Status = StatusDuplicate
	default:
		r.Status = StatusAccepted
	}
	return r, nil
}

// refusal is the error of the event the store refused (not one aborted
// with it), naming the event.
func refusal(outs []tracegraph.Outcome) *tracegraph.Error {
	for _, o := range outs {
		if o.Status == tracegraph.OutcomeRejected && o.Error != nil {
			return tracegraph.Errorf(o.Error.Code, o.Error.Field, "event %s (%s) was refused, so nothing of the message was applied: %s", o.ID, o.Type, o.Error.Error())
		}
	}
	for _, o := range outs {
		if o.Error != nil {
			return o.Error
		}
	}
	return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the message's events were refused")
}
