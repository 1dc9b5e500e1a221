package embedded

import (
	"context"
	"fmt"

	"github.com/tracegraph/tracegraph"
)

// Import appends events that a store already sealed, keeping their seq,
// recordedAt and hash, so that a log exported with its chain (tracegraph
// export-log) or another store's log is replayed into this one with the
// same chain: the long-term archive's way back in. Events must be in seq
// order. Events at or below the head are skipped when the event recorded
// at that seq has the same id and hash (a resumed import), and refused
// (CONFLICT) otherwise. The rest must continue the chain from the head
// exactly, and each must be accepted again by the rules; otherwise nothing
// of the call is written (CONFLICT). It returns how many events were
// appended, durable. Safe for concurrent use with Apply: the import is
// committed on its own, between groups.
func (s *Store) Import(ctx context.Context, events []*tracegraph.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	r := &applyReq{ctx: ctx, events: events, sealed: true, done: make(chan applyResult, 1)}
	s.applyMu.RLock()
	if s.closed {
		s.applyMu.RUnlock()
		return 0, errClosed
	}
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		s.applyMu.RUnlock()
		return 0, ctx.Err()
	}
	s.applyMu.RUnlock()
	res := <-r.done
	if res.err != nil {
		return 0, fmt.Errorf("import %d events: %w", len(events), res.err)
	}
	return len(res.outcomes), nil
}

// importSealed projects and commits one Import on the store itself, with
// nothing in flight; it answers with the outcomes of the events appended.
// It runs on the writer goroutine.
func (s *Store) importSealed(r *applyReq, rd *reader) {
	outs, err := s.importNow(r.ctx, r.events, rd)
	r.done <- applyResult{outcomes: outs, err: err}
}

func (s *Store) importNow(ctx context.Context, events []*tracegraph.Event, rd *reader) ([]tracegraph.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	seq, hash, _ := s.Head(ctx)
	var fresh []*tracegraph.Event
	for _, ev := range events {
		if ev.Seq > seq {
			fresh = append(fresh, ev)
			continue
		}
		got, err := s.Events(ctx, ev.Seq-1, 1)
		if err != nil {
			return nil, err
		}
		if len(got) != 1 || got[0].ID != ev.ID || got[0].Hash != ev.Hash {
			return nil, tracegraph.Errorf(tracegraph.CodeConflict, "", "event %d (%q) is not the event %d of this store: its log has another history", ev.Seq, ev.ID, ev.Seq)
		}
	}
	if err := tracegraph.CheckContinues(fresh, seq, hash); err != nil {
		return nil, err
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	res, err := tracegraph.ProjectBatch(ctx, rd, fresh, tracegraph.ApplyOptions{}, seq+1)
	if err != nil {
		return nil, err
	}
	for i, o := range res.Outcomes {
		if o.Status != tracegraph.OutcomeAccepted || o.Seq != fresh[i].Seq {
			msg := o.Status
			if o.Error != nil {
				msg += ": " + o.Error.Message
			}
			return nil, tracegraph.Errorf(tracegraph.CodeConflict, "", "event %d (%q) was accepted by the store that sealed it but is %s here", fresh[i].Seq, fresh[i].ID, msg)
		}
	}
	if err := s.commit(fresh, res.Tx.Mutations(), true); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	s.notify(fresh[len(fresh)-1].Seq)
	return res.Outcomes, nil
}
