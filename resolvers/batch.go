package resolvers

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/tracegraph/tracegraph"
)

// batchLoader loads a relation of a known set of keys (a group's members):
// the first load fetches every key in one call, with that load's context,
// and every load then reads its key's answer. It answers as the dataloadgen
// loader it replaces answered when given every key at once (a batch whose
// capacity is their number: fetched at once, one call): the same fetch, the
// same keys in the same order, the same values and the same errors for
// every way fetch can fail (TestBatchLoaderIsDataloadgen), without a thunk,
// a batch, a timer goroutine and a fetch goroutine per loader.
type batchLoader[V any] struct {
	keys  []tracegraph.ID
	fetch func(context.Context, []tracegraph.ID) ([]V, []error)

	once sync.Once
	pos  map[tracegraph.ID]int
	vals []V
	errs []error

	// others are the answers for keys not in keys (the resolvers ask none),
	// each fetched alone when first asked: dataloadgen put such keys in a
	// batch of their own, fetched after its wait, with the same answers.
	mu     sync.Mutex
	others map[tracegraph.ID]*batchAnswer[V]
}

type batchAnswer[V any] struct {
	once sync.Once
	v    V
	err  error
}

func newBatchLoader[V any](keys []tracegraph.ID, fetch func(context.Context, []tracegraph.ID) ([]V, []error)) *batchLoader[V] {
	return &batchLoader[V]{keys: keys, fetch: fetch}
}

// load returns the value of key, fetching every key the first time.
func (b *batchLoader[V]) load(ctx context.Context, key tracegraph.ID) (V, error) {
	b.once.Do(func() {
		// Each key once, in the order of its first place, as dataloadgen
		// batches them (a repeated key gets the first one's thunk).
		b.pos = make(map[tracegraph.ID]int, len(b.keys))
		keys := b.keys
		for i, k := range b.keys {
			if _, dup := b.pos[k]; dup {
				if len(keys) == len(b.keys) {
					keys = slices.Clone(b.keys[:i])
				}
				continue
			}
			b.pos[k] = len(b.pos)
			if len(keys) < len(b.keys) {
				keys = append(keys, k)
			}
		}
		b.keys = keys
		if len(keys) > 0 {
			b.vals, b.errs = safeFetch(ctx, b.fetch, keys)
		}
	})
	if i, ok := b.pos[key]; ok {
		return batchResult(b.vals, b.errs, len(b.keys), i)
	}
	b.mu.Lock()
	a := b.others[key]
	if a == nil {
		if b.others == nil {
			b.others = map[tracegraph.ID]*batchAnswer[V]{}
		}
		a = &batchAnswer[V]{}
		b.others[key] = a
	}
	b.mu.Unlock()
	a.once.Do(func() {
		vals, errs := safeFetch(ctx, b.fetch, []tracegraph.ID{key})
		a.v, a.err = batchResult(vals, errs, 1, 0)
	})
	return a.v, a.err
}

// safeFetch calls fetch, turning a panic into the error dataloadgen makes
// of it.
func safeFetch[V any](ctx context.Context, fetch func(context.Context, []tracegraph.ID) ([]V, []error), keys []tracegraph.ID) (vals []V, errs []error) {
	defer func() {
		if p := recover(); p != nil {
			errs = []error{fmt.Errorf("panic during fetch: %v", p)}
		}
	}()
	return fetch(ctx, keys)
}

// batchResult is the answer for the key at pos of a batch of n keys whose
// fetch returned vals and errs, as dataloadgen's thunk makes it: one error
// is every key's, a wrong number of values is an error for every key.
func batchResult[V any](vals []V, errs []error, n, pos int) (V, error) {
	var v V
	if len(errs) == 1 && errs[0] != nil {
		return v, errs[0]
	}
	if len(vals) != n {
		return v, fmt.Errorf("bug in fetch function: %d values returned for %d keys", len(vals), n)
	}
	v = vals[pos]
	if len(errs) == 0 {
		return v, nil
	}
	if pos < len(errs) {
		return v, errs[pos]
	}
	return v, fmt.Errorf("bug in fetch function: %d errors returned for %d keys; last error: %w", len(errs), n, errs[len(errs)-1])
}
