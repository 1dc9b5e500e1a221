package embedded

import (
	"context"
	"fmt"
	"runtime/trace"

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
// batch as it arrives into the open group, on top of the groups in flight
// if there are any, and hands the open group to a commit goroutine as soon
// as the group before it is staged and the one before that committed (at
// once when none is in flight). So while a group is written and synced the
// next one is staged (sealed, encoded, sorted) and the one after it takes
// every batch that arrives: pipelined group commit, see pipeline.
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

// pipeline is the writer's state: the groups handed over and not yet seen
// committed, oldest first, and the open group projected on top of the
// newest of them. A group's commit has two stages (commitFlight): staging,
// which needs only the group before it staged, and applying (Pebble's
// commit and its fsync, then the publish), one group at a time in order.
// The writer hands a group over when the stage is free: the newest group
// in flight is staged and every group before it committed. So at most two
// are in flight, one applying while the next is staged, and the overlays
// never chain deeper than two.
type pipeline struct {
	s  *Store
	rd *reader
	// The stations' line sides decoded or saved, kept from group to group:
	// the writer's alone (see newFlight).
	lineSides *tracegraph.LineSideMemo
	flights   []*flight // handed to commitFlight, oldest first; at most two
	open      *flight   // projected, not handed over yet
}

// next returns the next request (false once the store closes), handing the
// open group over whenever the stage is free, and waiting for the groups in
// flight instead of taking requests while the open group is full.
func (w *pipeline) next() (*applyReq, bool) {
	for {
		w.reap()
		if w.open != nil && w.free() {
			w.handOver()
		}
		switch {
		case w.open == nil:
			r, ok := <-w.s.reqs
			return r, ok
		case w.open.events >= w.s.opts.MaxGroupEvents:
			<-w.progress()
		default:
			select {
			case r, ok := <-w.s.reqs:
				return r, ok
			case <-w.progress():
			}
		}
	}
}

// free reports whether the open group can be handed over now: nothing in
// flight, or one group, staged. reap has run.
func (w *pipeline) free() bool {
	switch len(w.flights) {
	case 0:
		return true
	case 1:
		return isClosed(w.flights[0].staged)
	}
	return false
}

// progress returns what free waits for: the oldest group's commit when
// two are in flight, else the staging of the one.
func (w *pipeline) progress() <-chan struct{} {
	if len(w.flights) > 1 {
		return w.flights[0].done
	}
	return w.flights[0].staged
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// reap forgets the groups in flight whose commits are done, oldest first.
// The group or open group projected on one that committed is rebased on
// the store, which now shows it: otherwise each keeps the one before it,
// and a long load keeps every group it applied. When one failed, every
// group after it fails (each waits for the one before and fails with it),
// and so does the open group projected on them: reap waits for them and
// fails the open group at once, so that the next batches are projected on
// the store.
func (w *pipeline) reap() {
	for len(w.flights) > 0 && isClosed(w.flights[0].done) {
		d := w.flights[0]
		w.flights = w.flights[1:]
		if d.err != nil {
			w.failAll(d.err)
			return
		}
		for _, f := range w.flights {
			f.rebaseFrom(d, w.rd)
		}
		if w.open != nil {
			w.open.rebaseFrom(d, w.rd)
		}
	}
}

// rebaseFrom puts f's overlay on the store when it is projected on d, which
// is committed.
func (f *flight) rebaseFrom(d *flight, rd *reader) {
	if f.parent == d {
		f.tx.Rebase(rd)
		f.parent = nil
	}
}

// failAll waits for the groups in flight (they fail: a group before them
// failed with err) and fails the open group if it was projected on one.
func (w *pipeline) failAll(err error) {
	for _, f := range w.flights {
		<-f.done
	}
	w.flights = nil
	if w.open != nil && w.open.parent != nil {
		f := w.open
		w.open = nil
		f.err = dependedOn(err)
		w.s.commitFlight(f, nil)
	}
}

func dependedOn(err error) error {
	return fmt.Errorf("an earlier commit this batch depended on failed: %w", err)
}

// add projects r into the open group, opening one if there is none: on
// top of the newest group in flight, or of the store itself.
func (w *pipeline) add(r *applyReq) {
	if w.open == nil {
		var base tracegraph.GraphReader = w.rd
		var parent *flight
		if n := len(w.flights); n > 0 {
			parent = w.flights[n-1]
			base = parent.tx
		}
		w.open = w.s.newFlight(base, parent, w.lineSides)
	}
	w.open.project(r)
}

// handOver starts the commit of the open group; the stage is free (see
// free). A group whose parent failed to stage fails at once, with the
// groups in flight, and nothing is projected on it.
func (w *pipeline) handOver() {
	f := w.open
	var prev *flight
	if n := len(w.flights); n > 0 {
		prev = w.flights[n-1]
		if prev.stageErr != nil {
			w.failAll(prev.stageErr)
			return
		}
	}
	w.open = nil
	w.flights = append(w.flights, f)
	go w.s.commitFlight(f, prev)
}

// drain commits the open group and waits until nothing is in flight.
func (w *pipeline) drain() {
	for w.open != nil {
		w.reap()
		if w.open != nil && w.free() {
			w.handOver()
		} else if w.open != nil {
			<-w.progress()
		}
	}
	for _, f := range w.flights {
		<-f.done
	}
	w.flights = nil
}

// flight is a projected group on its way to disk.
type flight struct {
	parent   *flight // the group this one is projected on while it is in flight (the writer's)
	tx       *tracegraph.Tx
	reqs     []*applyReq
	results  []*tracegraph.BatchResult
	accepted []*tracegraph.Event
	events   int // the events of reqs
	nextSeq  uint64
	// staged is closed when the group is staged (or failed to be): then
	// stageErr, and layer, the persister whose batch holds the last group
	// staged up to this one (this one's, or the layer before it when this
	// group has nothing to write; nil: none in flight).
	staged   chan struct{}
	stageErr error
	layer    *persister
	done     chan struct{} // closed when committed (or failed) and answered
	err      error
}

// newFlight opens a group on top of base (parent's overlay, while parent is
// in flight). The group keeps the line sides it decodes or saves in
// lineSides (nil: its own), where the next groups find them: an entry
// stands for the exact texts it was kept for, so it holds whether this
// group commits or fails.
func (s *Store) newFlight(base tracegraph.GraphReader, parent *flight, lineSides *tracegraph.LineSideMemo) *flight {
	f := &flight{parent: parent, tx: tracegraph.NewTx(context.Background(), base),
		staged: make(chan struct{}), done: make(chan struct{})}
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

// commitFlight commits group f, handed over after prev (nil: nothing in
// flight): it stages f on prev's layer as soon as prev is staged (the
// writer hands f over only then), then waits for prev's commit, applies f
// (one synced Pebble batch, the publish) and answers every caller. A group
// fails with the group it was staged on: it assumed that group's outcomes.
func (s *Store) commitFlight(f, prev *flight) {
	defer close(f.done)
	var under *persister
	if prev != nil {
		<-prev.staged
		under = prev.layer
		if f.err == nil && prev.stageErr != nil {
			f.err = dependedOn(prev.stageErr)
		}
	}
	f.layer = under
	var muts []tracegraph.Mutation
	if f.err == nil && len(f.accepted) > 0 {
		r := trace.StartRegion(context.Background(), "stage") // an execution trace's view of the stages
		p := s.persister.other(under)
		muts = f.tx.Mutations()
		if err := s.stage(p, under, f.accepted, muts, false); err != nil {
			f.err = fmt.Errorf("commit %d events: %w", len(f.accepted), err)
		} else {
			f.layer = p
		}
		r.End()
	}
	f.stageErr = f.err
	close(f.staged)
	if prev != nil {
		<-prev.done
		if f.err == nil && prev.err != nil {
			f.err = dependedOn(prev.err)
		}
	}
	if f.err == nil && len(f.accepted) > 0 {
		r := trace.StartRegion(context.Background(), "apply")
		if err := s.apply(f.layer, f.accepted, muts); err != nil {
			f.err = fmt.Errorf("commit %d events: %w", len(f.accepted), err)
		}
		r.End()
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
