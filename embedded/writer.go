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

// writer is the one goroutine that applies the rules. It projects each
// batch as it arrives into the open group, on top of the group in commit if
// there is one, and hands the open group to a commit goroutine as soon as
// that commit is done (at once when none is in flight). So while a group is
// written and synced the next one takes every batch that arrives, and the
// commits, one at a time, carry as many batches as the callers keep in
// flight (pipelined group commit: see pipeline).
func (s *Store) writer() {
	defer close(s.done)
	w := &pipeline{s: s, rd: &reader{s: s}}
	if s.opts.LineSideMemoBytes >= 0 {
		w.lineSides = tracegraph.NewLineSideMemo(s.opts.LineSideMemoBytes)
	}
	fillStarted := false
	for {
		r, ok := w.next()
		if !ok {
			break
		}
		if !fillStarted {
			s.startIDFill() // before the first commit: see startIDFill
			fillStarted = true
		}
		if r.sealed {
			w.drain()
			s.importSealed(r, w.rd)
			continue
		}
		w.add(r)
	}
	w.drain()
}

// pipeline is the writer's state: at most one group in commit and one open
// group projected on top of it, so the overlays never chain deeper than
// one.
type pipeline struct {
	s  *Store
	rd *reader
	// The stations' line sides decoded or saved, kept from group to group:
	// the writer's alone (see newFlight).
	lineSides  *tracegraph.LineSideMemo
	committing *flight // handed to commitFlight; nil once seen done
	open       *flight // projected, not handed over yet
}

// next returns the next request (false once the store closes), handing the
// open group over whenever the commit before it is done, and waiting for
// that commit instead of taking requests while the open group is full.
func (w *pipeline) next() (*applyReq, bool) {
	for {
		if w.open != nil && w.commitDone() {
			w.handOver()
		}
		switch {
		case w.open == nil:
			r, ok := <-w.s.reqs
			return r, ok
		case w.open.events >= w.s.opts.MaxGroupEvents:
			<-w.committing.done
		default:
			select {
			case r, ok := <-w.s.reqs:
				return r, ok
			case <-w.committing.done:
			}
		}
	}
}

// commitDone reports whether no commit is in flight.
func (w *pipeline) commitDone() bool {
	if w.committing == nil {
		return true
	}
	select {
	case <-w.committing.done:
		w.committing = nil
		return true
	default:
		return false
	}
}

// add projects r into the open group, opening one if there is none: on
// top of the group in commit, or of the store itself.
func (w *pipeline) add(r *applyReq) {
	if w.open == nil {
		var base tracegraph.GraphReader = w.rd
		var parent *flight
		if !w.commitDone() {
			base, parent = w.committing.tx, w.committing
		}
		w.open = w.s.newFlight(base, parent, w.lineSides)
	}
	w.open.project(r)
}

// handOver starts the commit of the open group; the commit before it is
// done. The group's overlay is rebased on the store, which now shows its
// parent's changes, and the parent is dropped: otherwise each flight keeps
// the one before it, and a long load keeps every group it applied. A group
// whose parent failed fails at once, and nothing is projected on it.
func (w *pipeline) handOver() {
	f, parent := w.open, w.open.parent
	w.open, f.parent = nil, nil
	if parent != nil && parent.err != nil {
		f.err = fmt.Errorf("an earlier commit this batch depended on failed: %w", parent.err)
		w.s.commitFlight(f)
		return
	}
	if parent != nil {
		f.tx.Rebase(w.rd)
	}
	w.committing = f
	go w.s.commitFlight(f)
}

// drain commits the open group and waits until nothing is in flight.
func (w *pipeline) drain() {
	if w.open != nil {
		if w.committing != nil {
			<-w.committing.done
		}
		w.handOver()
	}
	if w.committing != nil {
		<-w.committing.done
		w.committing = nil
	}
}

// flight is a projected group on its way to disk.
type flight struct {
	parent   *flight // the group this one is projected on while it is in flight (the writer's)
	tx       *tracegraph.Tx
	reqs     []*applyReq
	results  []*tracegraph.BatchResult
	accepted []*tracegraph.Event
	events   int           // the events of reqs
	nextSeq  uint64        // the seq of the next event accepted
	done     chan struct{} // closed when committed (or failed) and answered
	err      error
}

// newFlight opens a group on top of base (parent's overlay, while parent is
// in flight). The group keeps the line sides it decodes or saves in
// lineSides (nil: its own), where the next groups find them: an entry
// stands for the exact texts it was kept for, so it holds whether this
// group commits or fails.
func (s *Store) newFlight(base tracegraph.GraphReader, parent *flight, lineSides *tracegraph.LineSideMemo) *flight {
	f := &flight{parent: parent, tx: tracegraph.NewTx(context.Background(), base), done: make(chan struct{})}
	if lineSides != nil {
		f.tx.KeepLineSides(lineSides)
	}
	f.nextSeq = s.headSeqNow() + 1
	if parent != nil {
		f.nextSeq = parent.nextSeq
	}
	return f
}

// project applies the rules to r's batch on top of the group's batches
// before it, and adds it to the group; a batch whose context is done, or
// that the rules fail on, is answered at once and left out.
func (f *flight) project(r *applyReq) {
	if err := r.ctx.Err(); err != nil {
		r.done <- applyResult{err: err}
		return
	}
	res, err := tracegraph.ProjectBatch(context.Background(), f.tx, r.events, r.opts, f.nextSeq)
	if err != nil {
		r.done <- applyResult{err: fmt.Errorf("apply: %w", err)}
		return
	}
	res.Tx.MergeInto(f.tx)
	f.nextSeq += uint64(len(res.Accepted))
	f.accepted = append(f.accepted, res.Accepted...)
	f.reqs = append(f.reqs, r)
	f.results = append(f.results, res)
	f.events += len(r.events)
}

func (s *Store) headSeqNow() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.headSeq
}

// commitFlight persists the group in one synced Pebble batch (unless it
// failed already), publishes it to the topology and answers every caller.
func (s *Store) commitFlight(f *flight) {
	defer close(f.done)
	if f.err == nil && len(f.accepted) > 0 {
		if err := s.commit(f.accepted, f.tx.Mutations(), false); err != nil {
			f.err = fmt.Errorf("commit %d events: %w", len(f.accepted), err)
		}
	}
	for i, r := range f.reqs {
		if f.err != nil {
			r.done <- applyResult{err: f.err}
		} else {
			r.done <- applyResult{outcomes: f.results[i].Outcomes}
		}
	}
	if f.err == nil && len(f.accepted) > 0 {
		s.notify(f.accepted[len(f.accepted)-1].Seq)
	}
}
