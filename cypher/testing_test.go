package cypher

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// deleteAll empties the database a batch at a time (tests only; the schema
// stays).
func (s *Store) deleteAll(ctx context.Context) error {
	for {
		var n int64
		err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
			recs, err := s.exec(ctx, tx, qDeleteBatch, map[string]any{"limit": int64(10000)})
			if err != nil {
				return err
			}
			n, err = single[int64](recs, "n")
			return err
		})
		if err != nil || n == 0 {
			return err
		}
	}
}
