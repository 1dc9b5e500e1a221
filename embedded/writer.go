package embedded

import (
	"context"
	"fmt"

	"github.com/tracegraph/tracegraph"
)

type applyReq struct {
	ctx    context.Context
	events []*tracegraph.Event
	opts   tracegraph.ApplyOptions
	done   chan applyResult
	// sealed marks an Import: the events keep their seq, recordedAt and
	// hash, and are committed alone, after every group in flight.
	sealed bool
}

type applyResult struct {
	outcomes []tracegraph.Outcome
	err      error
}

// Apply implements tracegraph.EventLog: it returns once the batch is durable.
func (s *Store) Apply(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	return s.Submit(ctx, events, opts)()
}

// Submit queues events to be applied as Apply applies them and returns
// without waiting for them; wait (call it once) returns what Apply would
// have, once the batch is durable (or, with Bulk, committed). Batches
// are applied in the order of the Submit calls that queued them, so a
// loader keeps several in flight (the writer projects the next group while
// the one before is written) and still applies its events in order.
func (s *Store) Submit(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) (wait func() ([]tracegraph.Outcome, error)) {
	if len(events) == 0 {
		return func() ([]tracegraph.Outcome, error) { return nil, nil }
	}
	r := &applyReq{ctx: ctx, events: events, opts: opts, done: make(chan applyResult, 1)}
	s.applyMu.RLock()
	if s.closed {
		s.applyMu.RUnlock()
		return func() ([]tracegraph.Outcome, error) { return nil, errClosed }
	}
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		s.applyMu.RUnlock()
		return func() ([]tracegraph.Outcome, error) { return nil, ctx.Err() }
	}
	s.applyMu.RUnlock()
	// Once enqueued the batch is applied or refused as a whole, whatever
	// happens to ctx: waiting here is what makes an acknowledgement durable.
	return func() ([]tracegraph.Outcome, error) {
		res := <-r.done
		return res.outcomes, res.err
	}
}

// writer is the one goroutine that applies the rules. It gathers the
// batches waiting into a group, projects the group, and hands it to a commit
// goroutine; while that one writes and syncs, the writer already projects the
// next group on top of the group in flight (pipelined group commit). At most
// one commit is in flight, so the overlays never chain deeper than one.
func (s *Store) writer() {
	defer close(s.done)
	rd := &reader{s: s}
	// The stations' line sides decoded or saved, kept from group to group:
	// the writer's alone (see project).
	var lineSides *tracegraph.LineSideMemo
	if s.opts.LineSideMemoBytes >= 0 {
		lineSides = tracegraph.NewLineSideMemo(s.opts.LineSideMemoBytes)
	}
	var prev *flight
	var next *applyReq // taken from the queue while gathering: it starts the next group
	fillStarted := false
	for {
		first := next
		next = nil
		if first == nil {
			r, ok := <-s.reqs
			if !ok {
				break
			}
			first = r
		}
		if !fillStarted {
			s.startIDFill() // before the first commit: see startIDFill
			fillStarted = true
		}
		if first.sealed {
			if prev != nil {
				<-prev.done
				prev = nil
			}
			s.importSealed(first, rd)
			continue
		}
		group := []*applyReq{first}
		n := len(first.events)
	gather:
		for n < s.opts.MaxGroupEvents {
			select {
			case r, ok := <-s.reqs:
				if !ok {
					break gather
				}
				if r.sealed {
					next = r
					break gather
				}
				group = append(group, r)
				n += len(r.events)
			default:
				break gather
			}
		}
		var base tracegraph.GraphReader = rd
		var parent *flight
		if prev != nil {
			if prev.parent != nil {
				// prev's own parent must be done before prev's overlay can
				// serve as a base: then rebase it on the store itself.
				<-prev.parent.done
				if prev.parent.err == nil {
					prev.tx.Rebase(rd)
				}
				// Dropped once done: otherwise each flight keeps the one
				// before it, and a long load keeps every group it applied.
				prev.parent = nil
			}
			select {
			case <-prev.done:
			default:
				base, parent = prev.tx, prev
			}
		}
		f := s.project(group, base, parent, lineSides)
		go s.commitFlight(f, parent)
		prev = f
	}
	if prev != nil {
		<-prev.done
	}
}

// flight is a projected group on its way to disk.
type flight struct {
	parent   *flight // the group this one was projected on, if it was in flight (the writer's: commitFlight has its own copy)
	tx       *tracegraph.Tx
	reqs     []*applyReq
	results  []*tracegraph.BatchResult
	accepted []*tracegraph.Event
	nextSeq  uint64
	done     chan struct{} // closed when committed (or failed) and answered
	err      error
}

// project applies the rules to each batch of the group in turn (each sees
// the ones before it) on top of base. The group keeps the line sides it
// decodes or saves in lineSides (nil: its own, shared with parent's), where
// the next groups find them: an entry stands for the exact texts it was
// kept for, so it holds whether this group commits or fails.
func (s *Store) project(group []*applyReq, base tracegraph.GraphReader, parent *flight, lineSides *tracegraph.LineSideMemo) *flight {
	ctx := context.Background()
	f := &flight{parent: parent, tx: tracegraph.NewTx(ctx, base), reqs: group,
		results: make([]*tracegraph.BatchResult, len(group)), done: make(chan struct{})}
	if lineSides != nil {
		f.tx.KeepLineSides(lineSides)
	}
	seq := s.headSeqNow() + 1
	if parent != nil {
		seq = parent.nextSeq
	}
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.done <- applyResult{err: err}
			continue
		}
		res, err := tracegraph.ProjectBatch(ctx, f.tx, r.events, r.opts, seq)
		if err != nil {
			r.done <- applyResult{err: fmt.Errorf("apply: %w", err)}
			continue
		}
		res.Tx.MergeInto(f.tx)
		seq += uint64(len(res.Accepted))
		f.accepted = append(f.accepted, res.Accepted...)
		f.results[i] = res
	}
	f.nextSeq = seq
	return f
}

func (s *Store) headSeqNow() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.headSeq
}

// commitFlight waits for the group's parent, persists the group in one
// synced Pebble batch, publishes it to the topology and answers every caller.
// A group whose parent failed fails too: its answers depended on it.
func (s *Store) commitFlight(f, parent *flight) {
	defer close(f.done)
	if parent != nil {
		<-parent.done
		if parent.err != nil {
			f.err = fmt.Errorf("an earlier commit this batch depended on failed: %w", parent.err)
		}
	}
	if f.err == nil && len(f.accepted) > 0 {
		if err := s.commit(f.accepted, f.tx.Mutations(), false); err != nil {
			f.err = fmt.Errorf("commit %d events: %w", len(f.accepted), err)
		}
	}
	for i, r := range f.reqs {
		switch {
		case f.results[i] == nil:
		case f.err != nil:
			r.done <- applyResult{err: f.err}
		default:
			r.done <- applyResult{outcomes: f.results[i].Outcomes}
		}
	}
	if f.err == nil && len(f.accepted) > 0 {
		s.notify(f.accepted[len(f.accepted)-1].Seq)
	}
}
