package main

import (
	"context"

	"github.com/tracegraph/tracegraph"
)

// submitter is a store that can queue a batch without waiting for it to be
// durable (embedded.Store.Submit).
type submitter interface {
	Submit(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) (func() ([]tracegraph.Outcome, error), error)
}

// pipeline applies batches in order, keeping up to depth of them in flight
// when the store can queue them (a submitter), so that the store projects
// one while it writes and syncs the one before; with any other store it
// applies them one at a time. done sees every batch's outcomes, in order.
// The outcomes are those of applying the batches one after another.
type pipeline struct {
	store    tracegraph.Store
	opts     tracegraph.ApplyOptions
	depth    int
	done     func(batch []*tracegraph.Event, outs []tracegraph.Outcome) error
	inFlight []queued
}

type queued struct {
	batch []*tracegraph.Event
	wait  func() ([]tracegraph.Outcome, error)
}

// apply applies batch, which the caller must not change afterwards.
func (p *pipeline) apply(ctx context.Context, batch []*tracegraph.Event) error {
	sub, ok := p.store.(submitter)
	if !ok || p.depth < 2 {
		outs, err := p.store.Apply(ctx, batch, p.opts)
		if err != nil {
			return err
		}
		return p.done(batch, outs)
	}
	if len(p.inFlight) >= p.depth {
		if err := p.waitOldest(); err != nil {
			return err
		}
	}
	wait, err := sub.Submit(ctx, batch, p.opts)
	if err != nil {
		return err
	}
	p.inFlight = append(p.inFlight, queued{batch, wait})
	return nil
}

// flush waits for every batch in flight.
func (p *pipeline) flush() error {
	for len(p.inFlight) > 0 {
		if err := p.waitOldest(); err != nil {
			return err
		}
	}
	return nil
}

func (p *pipeline) waitOldest() error {
	q := p.inFlight[0]
	p.inFlight = p.inFlight[1:]
	outs, err := q.wait()
	if err != nil {
		// What is still in flight is applied or refused whatever happens:
		// wait for it, so that the store is quiet when the caller returns.
		_ = p.flush()
		return err
	}
	return p.done(q.batch, outs)
}
