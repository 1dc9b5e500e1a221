package resolvers

import (
	"context"

	"github.com/tracegraph/tracegraph/graph/model"
)

// Head returns the log's head: the anchor a customer keeps to verify later.
func (q *queryResolver) Head(ctx context.Context) (*model.Head, error) {
	seq, hash, err := q.store().Head(ctx)
	if err != nil {
		return nil, err
	}
	return &model.Head{Seq: int(seq), Hash: hash}, nil
}
