package main

import (
	"context"
	"errors"
	"sync"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest"
)

// submitter is a store that queues a batch without waiting for it
// (embedded.Store.Submit): batches queued by one goroutine are applied in
// the order they were queued.
type submitter interface {
	Submit(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) (wait func() ([]tracegraph.Outcome, error))
}

// pipeline applies batches in order with several in flight, so that a
// loader reads or generates the next batches while the store applies the
// ones before: each batch is queued in its turn (after the batch before
// it was), waited for on a goroutine of its own, and its outcomes handled
// in order. A store that cannot queue (a submitter) applies each batch
// whole in its turn, one at a time, as before.
type pipeline struct {
	sink   ingest.Applier
	slots  chan struct{} // one per batch in flight
	queued chan struct{} // closed once the last batch added was queued
	done   chan struct{} // closed once the last batch added was handled
	mu     sync.Mutex
	err    error // the first error of a step
}

func newPipeline(sink ingest.Applier, window int) *pipeline {
	p := &pipeline{sink: sink, slots: make(chan struct{}, max(window, 1)), queued: make(chan struct{}), done: make(chan struct{})}
	close(p.queued)
	close(p.done)
	return p
}

// add runs apply on a goroutine of its own with an Applier that queues the
// batch in its turn, then handle once every batch added before was handled.
// It blocks while the window is full. After an error, add runs nothing.
func (p *pipeline) add(ctx context.Context, apply func(a ingest.Applier) error, handle func() error) error {
	p.slots <- struct{}{}
	if err := p.firstErr(); err != nil {
		<-p.slots
		return err
	}
	t := &turn{p: p, prev: p.queued, queued: make(chan struct{})}
	prevDone, done := p.done, make(chan struct{})
	p.queued, p.done = t.queued, done
	go func() {
		defer func() { <-p.slots }()
		defer close(done)
		err := apply(t)
		t.once.Do(func() { <-t.prev; close(t.queued) }) // apply queued nothing
		<-prevDone
		if err == nil && p.firstErr() == nil {
			err = handle()
		}
		if err != nil {
			p.mu.Lock()
			if p.err == nil {
				p.err = err
			}
			p.mu.Unlock()
		}
	}()
	return nil
}

// wait waits for every batch added and returns the first error.
func (p *pipeline) wait() error {
	<-p.done
	return p.firstErr()
}

func (p *pipeline) firstErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// turn is the Applier of one batch: it queues the batch after the batch
// before it was queued.
type turn struct {
	p      *pipeline
	prev   chan struct{}
	queued chan struct{}
	once   sync.Once
}

// Apply implements ingest.Applier.
func (t *turn) Apply(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	wait := func() ([]tracegraph.Outcome, error) { return nil, errors.New("a batch is applied once") }
	t.once.Do(func() {
		<-t.prev
		defer close(t.queued)
		if err := t.p.firstErr(); err != nil {
			// A batch before this one failed: apply nothing after it.
			wait = func() ([]tracegraph.Outcome, error) { return nil, err }
			return
		}
		if s, ok := t.p.sink.(submitter); ok {
			wait = s.Submit(ctx, events, opts)
			return
		}
		outs, err := t.p.sink.Apply(ctx, events, opts)
		wait = func() ([]tracegraph.Outcome, error) { return outs, err }
	})
	return wait()
}
