package cypher

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// DefaultGroupEvents bounds the events of one group commit when
// Config.GroupEvents is not set: well within a transaction's memory on a
// server with the default 512 MB per transaction (migrate commits 1,000
// sealed events per transaction).
const DefaultGroupEvents = 1000

// applyReq is one Apply waiting for its group.
type applyReq struct {
	ctx    context.Context
	events []*tracegraph.Event
	opts   tracegraph.ApplyOptions
	done   chan applyResult // buffered: the committer never waits for a caller
}

type applyResult struct {
	outcomes []tracegraph.Outcome
	err      error
}

// groupQueue holds the batches waiting for the committer; committing is
// true while a committer goroutine runs. Both under Store.gmu.
type groupQueue struct {
	waiting    []*applyReq
	committing bool
}

// Apply implements tracegraph.EventLog. Batches from concurrent callers are
// committed together (group commit): the committer takes every batch
// waiting, up to Config.GroupEvents events, and projects them one after
// another in one write transaction, each on top of the ones before it, so
// that each batch's outcomes are what applying the batches one at a time in
// that order gives (a batch refused as a whole, ApplyOptions.Atomic, leaves
// nothing for the next ones to see). Outcomes are returned only after that
// transaction committed. A batch whose ctx ends before its group starts is
// answered with ctx's error and not applied; once its group started, it is
// applied or refused as a whole whatever happens to ctx.
func (s *Store) Apply(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	if len(events) == 0 {
		return []tracegraph.Outcome{}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("apply %d events: %w", len(events), err)
	}
	r := &applyReq{ctx: ctx, events: events, opts: opts, done: make(chan applyResult, 1)}
	s.gmu.Lock()
	s.group.waiting = append(s.group.waiting, r)
	if !s.group.committing {
		s.group.committing = true
		go s.commitGroups()
	}
	s.gmu.Unlock()
	res := <-r.done
	return res.outcomes, res.err
}

// commitGroups commits the waiting batches, group after group, until none
// is left. One runs at a time per store; across stores and processes the
// head lock orders the groups.
func (s *Store) commitGroups() {
	for {
		s.gmu.Lock()
		group := s.takeGroup()
		if len(group) == 0 {
			s.group.committing = false
			s.gmu.Unlock()
			return
		}
		s.gmu.Unlock()
		s.commitGroup(group)
	}
}

// takeGroup removes from the queue the batches of the next group: the
// oldest, and those after it while the group stays within GroupEvents.
// s.gmu is held.
func (s *Store) takeGroup() []*applyReq {
	q := s.group.waiting
	n, events := 0, 0
	for n < len(q) && (n == 0 || events+len(q[n].events) <= s.groupEvents) {
		events += len(q[n].events)
		n++
	}
	group := q[:n:n]
	s.group.waiting = q[n:]
	return group
}

// commitGroup applies a group in one transaction and answers each caller.
// When that transaction fails, each batch is applied again in a transaction
// of its own, so that a batch that cannot commit (one too large for the
// server's transaction memory, one the rules fail on) fails alone.
func (s *Store) commitGroup(group []*applyReq) {
	live := group[:0:0]
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.done <- applyResult{err: fmt.Errorf("apply %d events: %w", len(r.events), err)}
			continue
		}
		live = append(live, r)
	}
	s.commitLive(live)
}

// commitLive commits batches that are to be applied whatever happens to
// their callers' contexts.
func (s *Store) commitLive(group []*applyReq) {
	if len(group) == 0 {
		return
	}
	outcomes, err := s.applyGroup(group)
	if err != nil && len(group) > 1 {
		for _, r := range group {
			s.commitLive([]*applyReq{r})
		}
		return
	}
	for i, r := range group {
		if err != nil {
			r.done <- applyResult{err: fmt.Errorf("apply %d events: %w", len(r.events), err)}
		} else {
			r.done <- applyResult{outcomes: outcomes[i]}
		}
	}
}

// applyGroup runs the group's write transaction (retried by the driver as
// a whole, recomputed from scratch each time) and returns each batch's
// outcomes once it committed.
func (s *Store) applyGroup(group []*applyReq) ([][]tracegraph.Outcome, error) {
	ctx := context.Background()
	var (
		outcomes [][]tracegraph.Outcome
		head     uint64
	)
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		var err error // a retried attempt starts over
		outcomes, head, err = s.applyTx(ctx, tx, group)
		return memoryError(err)
	})
	if err != nil {
		return nil, err
	}
	if head > 0 {
		s.notify(head)
	}
	return outcomes, nil
}

// applyTx is the transaction function of a group: each batch's outcomes and
// the new head (0 when nothing was accepted).
func (s *Store) applyTx(ctx context.Context, tx neo4j.ManagedTransaction, group []*applyReq) ([][]tracegraph.Outcome, uint64, error) {
	h, err := s.lockHead(ctx, tx)
	if err != nil {
		return nil, 0, err
	}
	seq := h.seq
	rd := newTxReader(s, tx)
	var all []*tracegraph.Event
	for _, r := range group {
		all = append(all, r.events...)
	}
	absent, err := rd.prefetch(ctx, all)
	if err != nil {
		return nil, 0, err
	}
	projected := tracegraph.NewTx(ctx, rd)
	// The line sides earlier groups decoded or saved: each stands for the
	// exact texts it was kept for, so it holds whether its group committed,
	// failed or was retried, and whatever another process wrote since.
	projected.KeepLineSides(s.lineSides)
	outcomes := make([][]tracegraph.Outcome, len(group))
	var accepted []*tracegraph.Event
	next := seq + 1
	for i, r := range group {
		res, err := tracegraph.ProjectBatch(ctx, projected, r.events, r.opts, next)
		if err != nil {
			return nil, 0, err
		}
		res.Tx.MergeInto(projected)
		next += uint64(len(res.Accepted))
		accepted = append(accepted, res.Accepted...)
		outcomes[i] = res.Outcomes
	}
	if err := s.seal(accepted, h); err != nil {
		return nil, 0, err
	}
	if err := s.persist(ctx, tx, accepted, projected.Mutations(), absent, h); err != nil {
		return nil, 0, err
	}
	var head uint64
	if len(accepted) > 0 {
		head = accepted[len(accepted)-1].Seq
	}
	return outcomes, head, nil
}

// seal numbers the accepted events on from the head seq and chains them
// from its hash, all recorded now (never before the head:
// tracegraph.RecordTime).
func (s *Store) seal(accepted []*tracegraph.Event, h head) error {
	seq := h.seq
	recordedAt := tracegraph.RecordTime(s.now(), h.recordedAt)
	prev := h.hash
	for i, ev := range accepted {
		if want := seq + 1 + uint64(i); ev.Seq != want {
			return fmt.Errorf("projection numbered event %q %d, want %d", ev.ID, ev.Seq, want)
		}
		ev.Seal(ev.Seq, recordedAt, prev)
		if err := ev.CheckRecord(); err != nil {
			return err
		}
		prev = ev.Hash
	}
	return nil
}
