package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
	"github.com/tracegraph/tracegraph/ingest"
)

type mutationResolver struct{ *Resolver }

// eventEnvelope is an EventInput as the JSON DecodeEvent reads.
type eventEnvelope struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Time     string `json:"time"`
	Station  string `json:"station,omitempty"`
	Operator string `json:"operator,omitempty"`
	Data     any    `json:"data"`
}

func (r *mutationResolver) Ingest(ctx context.Context, events []*model.EventInput, atomic *bool) (*model.IngestResult, error) {
	if len(events) == 0 {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "events", "events is empty")
	}
	raw := make([]json.RawMessage, len(events))
	for i, in := range events {
		b, err := json.Marshal(eventEnvelope{ID: in.ID, Type: in.Type, Time: in.Time.UTC().Format(time.RFC3339Nano),
			Station: deref(in.Station), Operator: deref(in.Operator), Data: in.Data})
		if err != nil {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, fmt.Sprintf("events[%d].data", i), "data is not JSON: %v", err)
		}
		raw[i] = b
	}
	in, err := ingest.ApplyRaw(ctx, r.store(), raw, tracegraph.ApplyOptions{Atomic: deref(atomic)})
	if err != nil {
		return nil, err
	}
	if r.cfg.OnOutcomes != nil {
		r.cfg.OnOutcomes(in.Outcomes)
	}
	res := &model.IngestResult{Accepted: in.Accepted, Duplicates: in.Duplicates, Rejected: in.Rejected,
		Outcomes: make([]*model.Outcome, len(in.Outcomes))}
	for i, o := range in.Outcomes {
		res.Outcomes[i] = outcome(o)
	}
	return res, nil
}

func outcome(o tracegraph.Outcome) *model.Outcome {
	m := &model.Outcome{Index: o.Index, ID: o.ID, Status: o.Status}
	if o.Seq > 0 {
		s := int(o.Seq)
		m.Seq = &s
	}
	if o.Error != nil {
		m.Error = &model.Problem{Code: string(o.Error.Code), Message: o.Error.Message}
		if o.Error.Field != "" {
			f := o.Error.Field
			m.Error.Field = &f
		}
	}
	return m
}

func (r *mutationResolver) PlaceHold(ctx context.Context, target string, reason string, hold *string) (*model.HoldResult, error) {
	return r.hold(ctx, tracegraph.EventHoldPlaced, "hold-", tracegraph.HoldChange{Target: target, Reason: reason, Hold: deref(hold)})
}

func (r *mutationResolver) ReleaseHold(ctx context.Context, target string, reason string, hold *string, all *bool) (*model.HoldResult, error) {
	return r.hold(ctx, tracegraph.EventHoldReleased, "release-", tracegraph.HoldChange{Target: target, Reason: reason, Hold: deref(hold), All: deref(all)})
}

// hold records a hold.placed or hold.released event with data d, a fresh id
// and the time now, and answers the recorded event and the node as it is
// after it. A refusal is the GraphQL error, with the refusal's code.
func (r *mutationResolver) hold(ctx context.Context, typ tracegraph.EventType, prefix string, d tracegraph.HoldChange) (*model.HoldResult, error) {
	target := d.Target
	if _, _, err := tracegraph.ParseID(target); err != nil {
		return nil, err
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", typ, err)
	}
	ev := &tracegraph.Event{ID: r.cfg.NewEventID(prefix), Type: typ, Time: r.cfg.Now().UTC(), Data: data,
		Operator: tracegraph.Actor(ctx), RecordedBy: tracegraph.Actor(ctx)}
	res, err := ingest.Apply(ctx, r.store(), []*tracegraph.Event{ev}, tracegraph.ApplyOptions{})
	if err != nil {
		return nil, fmt.Errorf("apply %s: %w", typ, err)
	}
	if r.cfg.OnOutcomes != nil {
		r.cfg.OnOutcomes(res.Outcomes)
	}
	if o := res.Outcomes[0]; o.Status != tracegraph.OutcomeAccepted {
		if o.Error != nil {
			return nil, o.Error
		}
		return nil, fmt.Errorf("apply %s: outcome %s", typ, o.Status)
	}
	rec, err := r.store().Event(ctx, ev.ID)
	if err != nil {
		return nil, err
	}
	n, err := r.store().Node(ctx, tracegraph.ID(target))
	if err != nil {
		return nil, err
	}
	return &model.HoldResult{Event: &model.Event{E: rec}, Node: loadedObjects(r.ld, []*tracegraph.Node{n})[0]}, nil
}
