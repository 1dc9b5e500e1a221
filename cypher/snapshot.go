package cypher

import (
	"context"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// snapshotTries bounds the optimistic tries of a snapshot read before it
// reads under the head lock.
const snapshotTries = 3

// runner runs one statement: inside a transaction (a
// neo4j.ManagedTransaction) or, for the statements of a snapshot read, as
// an auto-commit transaction of its own (autoCommit).
type runner interface {
	Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error)
}

// autoCommit runs each statement as an auto-commit transaction of one
// session: one round trip per statement (RUN and PULL go out together and
// the transaction ends with its last record), where a managed transaction
// adds a BEGIN and a COMMIT round trip. The session's bookmarks (the
// store's bookmark manager) chain the statements causally.
type autoCommit struct{ sess neo4j.SessionWithContext }

// Run implements runner.
func (a autoCommit) Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	return a.sess.Run(ctx, cypher, params)
}

// snapshotOp runs fn, a read of several statements (a trace, a recall, a
// page and its count), so that the whole answer comes from one committed
// state of the store. Neo4j runs a transaction's statements under READ
// COMMITTED, and a reader can even see a commit while it is being applied
// to the store, part of it before the rest: a commit landing during fn
// would tear the answer. Every writer takes the head lock with its first
// statement and holds it until its commit is applied, moving the head seq
// in that commit. So the head seq is read under that lock (settledHead)
// before fn and again after it: any commit applied, even in part, while fn
// ran took the lock after the first read and released it before the second
// could, so the two differ and fn runs again (fn must set its results
// afresh, as for any retried transaction).
//
// The read before fn may be any settled read that ended before fn began:
// the newest this store made (settledHeads), typically the read after the
// previous snapshot read, so that a snapshot read costs one settled read,
// not two. The read after a try that failed is the read before the next
// try. Each settled read is an auto-commit transaction, and so is each of
// fn's statements (autoCommit): docs/neo4j.md ("Consistent reads") says why
// neither needs to be a transaction of several statements, on one server
// or on a cluster. After snapshotTries tries, with writers committing all
// the time, fn runs in a write transaction that holds the head lock
// throughout: writers wait for that one read, and it cannot be torn.
func (s *Store) snapshotOp(ctx context.Context, what string, fn func(tx runner) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	before, ok := s.settled.get()
	if !ok {
		var err error
		if before, err = s.settledHead(ctx); err != nil {
			return opError(what, err)
		}
	}
	for range snapshotTries {
		if err := opError(what, s.readEach(ctx, fn)); err != nil {
			return err
		}
		after, err := s.settledHead(ctx)
		if err != nil {
			return opError(what, err)
		}
		if before == after {
			return nil
		}
		before = after
	}
	return opError(what, s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		if _, err := s.lockHead(ctx, tx); err != nil {
			return err
		}
		return fn(tx)
	}))
}

// readEach runs fn's statements as auto-commit transactions of one read
// session that fetches every record at once. A retryable failure (a
// cluster member gone, a leader change) runs fn again in a managed read
// transaction, which the driver retries.
func (s *Store) readEach(ctx context.Context, fn func(tx runner) error) error {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead,
		BookmarkManager: s.bookmarks, FetchSize: neo4j.FetchAll})
	err := fn(autoCommit{sess})
	sess.Close(ctx)
	if err != nil && neo4j.IsRetryable(err) {
		return s.read(ctx, func(tx neo4j.ManagedTransaction) error { return fn(tx) })
	}
	return err
}

// settledHead reads the head seq under the head lock, in an auto-commit
// transaction of its own that changes nothing: never the seq of a commit
// still being applied. It keeps what it read in s.settled once the
// transaction has ended (and its bookmark is the store's).
func (s *Store) settledHead(ctx context.Context) (uint64, error) {
	var seq uint64
	lock := func(tx runner) error {
		recs, err := s.exec(ctx, tx, qHeadLock, nil)
		if err != nil {
			return err
		}
		n, err := single[int64](recs, "seq")
		seq = uint64(n)
		return err
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	err := lock(autoCommit{sess})
	sess.Close(ctx)
	if err != nil && neo4j.IsRetryable(err) {
		err = s.write(ctx, func(tx neo4j.ManagedTransaction) error { return lock(tx) })
	}
	if err != nil {
		return 0, err
	}
	s.settled.put(seq)
	return seq, nil
}

// settledHeads is the newest head seq a settled read of this store
// returned. Any settled read that ended before a snapshot read begins is
// a valid read before it; a stale one only costs that read a try, so the
// store forgets it when it commits something newer itself.
type settledHeads struct {
	mu sync.Mutex
	// seq is the newest settled head read, valid when ok; floor is the
	// newest head this store committed.
	seq, floor uint64
	ok         bool
}

func (h *settledHeads) get() (uint64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq, h.ok
}

// put records a settled read of seq that has ended.
func (h *settledHeads) put(seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if seq >= h.floor && (!h.ok || seq >= h.seq) {
		h.seq, h.ok = seq, true
	}
}

// committed records a commit of this store that moved the head to seq.
func (h *settledHeads) committed(seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.floor = max(h.floor, seq)
	if h.seq < seq {
		h.ok = false
	}
}
