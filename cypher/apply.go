package cypher

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// head is the log's head: its last event's seq, hash and record time (zero
// in a database written before the head kept it).
type head struct {
	seq        uint64
	hash       string
	recordedAt time.Time
}

// lockHead takes the head's write lock and reads it.
func (s *Store) lockHead(ctx context.Context, tx neo4j.ManagedTransaction) (head, error) {
	recs, err := s.exec(ctx, tx, qHeadLock, nil)
	if err != nil {
		return head{}, err
	}
	seq, err := single[int64](recs, "seq")
	if err != nil {
		return head{}, fmt.Errorf("read head: %w", err)
	}
	hash, err := value[string](recs[0], "hash")
	if err != nil {
		return head{}, fmt.Errorf("read head: %w", err)
	}
	at, err := value[time.Time](recs[0], "recordedAt")
	if err != nil {
		return head{}, fmt.Errorf("read head: %w", err)
	}
	return head{uint64(seq), hash, at}, nil
}

// persist writes sealed events, the mutations, the node → event index and
// the new head (or the old one, releasing the lock, when nothing was
// accepted). absent tells the nodes prefetch read as not there at all,
// which planMutations creates rather than merges.
func (s *Store) persist(ctx context.Context, tx neo4j.ManagedTransaction, accepted []*tracegraph.Event, muts []tracegraph.Mutation, absent func(tracegraph.ID) bool, h head) error {
	if len(accepted) > 0 {
		rows, err := eventRows(accepted)
		if err != nil {
			return err
		}
		sts := chunk(qEventsCreate, "events", rows, true)
		plan, err := planMutations(muts, absent)
		if err != nil {
			return err
		}
		sts = append(sts, plan...)
		sts = append(sts, linkStatements(muts)...)
		for _, st := range sts {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.run(ctx, tx, st); err != nil {
				return err
			}
		}
		last := accepted[len(accepted)-1]
		h = head{last.Seq, last.Hash, last.RecordedAt}
	}
	var at any // null until a head has a record time
	if !h.recordedAt.IsZero() {
		at = h.recordedAt.UTC()
	}
	_, err := s.exec(ctx, tx, qHeadSet, map[string]any{"seq": int64(h.seq), "hash": h.hash, "recordedAt": at})
	return err
}

// Import appends events that another store already sealed, keeping their
// seq, recordedAt and hash, so the audit chain stays verifiable end to end
// (tracegraph migrate uses it). Events must be in seq order. Events at or
// below the head are skipped when the stored event with that id has the same
// hash (a resumed import), and refused otherwise. The rest must continue the
// chain from the head exactly; each is projected with the shared rules and
// must be accepted again. One call is one transaction. It returns how many
// events were appended.
func (s *Store) Import(ctx context.Context, events []*tracegraph.Event) (int, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.leave()
	var n int
	var head uint64
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		var err error // a retried attempt starts over
		n, head, err = s.importTx(ctx, tx, events)
		return memoryError(err)
	})
	if err != nil {
		return 0, fmt.Errorf("import %d events: %w", len(events), err)
	}
	if head > 0 {
		s.notify(head)
	}
	return n, nil
}

// importTx is the transaction function of Import: how many events it
// appended and the new head (0 when none).
func (s *Store) importTx(ctx context.Context, tx neo4j.ManagedTransaction, events []*tracegraph.Event) (int, uint64, error) {
	h, err := s.lockHead(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	seq, hash := h.seq, h.hash
	var fresh []*tracegraph.Event
	var seen []string
	for _, ev := range events {
		if ev.Seq > seq {
			fresh = append(fresh, ev)
		} else {
			seen = append(seen, ev.ID)
		}
	}
	stored, err := s.eventsByID(ctx, tx, seen)
	if err != nil {
		return 0, 0, err
	}
	for _, ev := range events {
		if ev.Seq > seq {
			continue
		}
		if got := stored[ev.ID].ev; got == nil || got.Hash != ev.Hash || got.Seq != ev.Seq {
			return 0, 0, tracegraph.Errorf(tracegraph.CodeConflict, "", "event %d (%q) is not the event %d of this database: its log has another history", ev.Seq, ev.ID, ev.Seq)
		}
	}
	if err := tracegraph.CheckContinues(fresh, seq, hash); err != nil {
		return 0, 0, err
	}
	if len(fresh) == 0 {
		return 0, 0, nil
	}
	rd := newTxReader(s, tx)
	absent, err := rd.prefetch(ctx, fresh)
	if err != nil {
		return 0, 0, err
	}
	res, err := tracegraph.ProjectBatch(ctx, rd, fresh, tracegraph.ApplyOptions{}, seq+1)
	if err != nil {
		return 0, 0, err
	}
	for i, o := range res.Outcomes {
		if o.Status != tracegraph.OutcomeAccepted || o.Seq != fresh[i].Seq {
			msg := o.Status
			if o.Error != nil {
				msg += ": " + o.Error.Message
			}
			return 0, 0, tracegraph.Errorf(tracegraph.CodeConflict, "", "event %d (%q) was accepted by the source store but is %s here", fresh[i].Seq, fresh[i].ID, msg)
		}
	}
	if err := s.persist(ctx, tx, fresh, res.Tx.Mutations(), absent, h); err != nil {
		return 0, 0, err
	}
	return len(fresh), fresh[len(fresh)-1].Seq, nil
}

// ErrTransactionMemory is the error, under the server's own, of a write
// that needs more memory than the Neo4j server allows one transaction
// (db.memory.transaction.max, or the total of all transactions,
// db.memory.transaction.total.max): the same write fails again, so it is not
// retried; write fewer events per transaction.
var ErrTransactionMemory = errors.New("the transaction needs more memory than the Neo4j server allows one")

// memoryError returns err as an ErrTransactionMemory when the server
// refused a transaction for its memory, keeping the server's message but not
// its error value, which the driver would retry; otherwise err itself.
func memoryError(err error) error {
	var ne *neo4j.Neo4jError
	if !errors.As(err, &ne) || !strings.Contains(ne.Code, "Memory") {
		return err
	}
	return fmt.Errorf("%w (%s: %s)", ErrTransactionMemory, ne.Code, ne.Msg)
}
