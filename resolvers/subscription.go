package resolvers

import (
	"context"
	"slices"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// subscriptionBatch is how many events a subscription reads per store call.
const subscriptionBatch = 500

type subscriptionResolver struct{ *Resolver }

// Events streams the events recorded after `after` (default: the head when
// the subscription starts), keeping only types when given. The goroutine it
// starts is owned by ctx: it ends when the client unsubscribes or goes away.
func (r *subscriptionResolver) Events(ctx context.Context, types []string, after *int) (<-chan *model.Event, error) {
	for _, t := range types {
		if !tracegraph.EventType(t).Valid() {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "types", "%q is not an event type", t)
		}
	}
	// Subscribe before reading the head, so that no commit falls between.
	changes := r.store().Changes(ctx)
	var from uint64
	if after != nil {
		if *after < 0 {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "after", "after must not be negative")
		}
		from = uint64(*after)
	} else {
		head, _, err := r.store().Head(ctx)
		if err != nil {
			return nil, err
		}
		from = head
	}
	ch := make(chan *model.Event)
	r.subs.Add(1)
	go func() {
		defer r.subs.Done()
		defer close(ch)
		last := from
		for {
			evs, err := r.store().Events(ctx, last, subscriptionBatch)
			if err != nil {
				if ctx.Err() == nil {
					r.cfg.Logger.ErrorContext(ctx, "subscription: read events", "after", last, "err", err)
				}
				return
			}
			for _, e := range evs {
				last = e.Seq
				if len(types) > 0 && !slices.Contains(types, string(e.Type)) {
					continue
				}
				select {
				case ch <- &model.Event{E: e}:
				case <-ctx.Done():
					return
				}
			}
			if len(evs) == subscriptionBatch {
				continue
			}
			select {
			case <-ctx.Done():
				return
			case _, ok := <-changes:
				if !ok {
					return
				}
			}
		}
	}()
	return ch, nil
}
