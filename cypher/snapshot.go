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
// COMMITTED: a commit landing between two of them would tear the answer. So
// the head seq, which every write transaction moves in the same commit as
// its changes, is read before fn and again after it; when they differ fn
// runs again (fn must set its results afresh, as for any retried
// transaction). After snapshotTries tries, with writers committing all the
// time, fn runs in a write transaction that first takes the head lock,
// which every writer takes before changing anything: writers wait for that
// one read, and it cannot be torn.
func (s *Store) snapshotOp(ctx context.Context, what string, fn func(tx neo4j.ManagedTransaction) error) error {
	for range snapshotTries {
		stable := false
		err := s.readOp(ctx, what, func(tx neo4j.ManagedTransaction) error {
			before, err := s.headSeq(ctx, tx)
			if err != nil {
				return err
			}
			if err := fn(tx); err != nil {
				return err
			}
			after, err := s.headSeq(ctx, tx)
			stable = before == after
			return err
		})
		if err != nil || stable {
			return err
		}
	}
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	return opError(what, s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		if _, _, err := s.lockHead(ctx, tx); err != nil {
			return err
		}
		return fn(tx)
	}))
}

// headSeq reads the head seq in tx.
func (s *Store) headSeq(ctx context.Context, tx neo4j.ManagedTransaction) (uint64, error) {
	recs, err := s.exec(ctx, tx, qHeadGet, nil)
	if err != nil {
		return 0, err
	}
	n, err := single[int64](recs, "seq")
	return uint64(n), err
}
