package cypher

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// snapshotTries bounds the optimistic tries of a snapshot read before it
// reads under the head lock.
const snapshotTries = 3

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
// afresh, as for any retried transaction). Each locked read holds the lock
// for one statement only, so readers do not wait on each other for long.
// After snapshotTries tries, with writers committing all the time, fn runs
// in a write transaction that holds the head lock throughout: writers wait
// for that one read, and it cannot be torn.
func (s *Store) snapshotOp(ctx context.Context, what string, fn func(tx neo4j.ManagedTransaction) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	for range snapshotTries {
		before, err := s.settledHead(ctx)
		if err != nil {
			return opError(what, err)
		}
		if err := opError(what, s.read(ctx, fn)); err != nil {
			return err
		}
		after, err := s.settledHead(ctx)
		if err != nil {
			return opError(what, err)
		}
		if before == after {
			return nil
		}
	}
	return opError(what, s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		if _, err := s.lockHead(ctx, tx); err != nil {
			return err
		}
		return fn(tx)
	}))
}

// settledHead reads the head seq under the head lock, in a transaction of
// its own that changes nothing: never the seq of a commit still being
// applied.
func (s *Store) settledHead(ctx context.Context) (uint64, error) {
	var seq uint64
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		h, err := s.lockHead(ctx, tx)
		seq = h.seq
		return err
	})
	return seq, err
}
