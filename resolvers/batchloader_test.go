package resolvers

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/vikstrous/dataloadgen"
)

// TestBatchLoaderIsDataloadgen: batchLoader answers every key as the
// dataloadgen loader it replaced (a batch of capacity len(keys), every key
// put in it by the first load) answers it, for every way a fetch can answer
// or fail, and fetches the same keys in one call.
func TestBatchLoaderIsDataloadgen(t *testing.T) {
	errStore := errors.New("store down")
	ok := func(keys []tracegraph.ID) ([]string, []error) {
		vals := make([]string, len(keys))
		for i, k := range keys {
			vals[i] = "v-" + string(k)
		}
		return vals, nil
	}
	for _, tc := range []struct {
		name  string
		keys  []tracegraph.ID
		fetch func([]tracegraph.ID) ([]string, []error)
	}{
		{"values", []tracegraph.ID{"a", "b", "c"}, ok},
		{"repeated keys", []tracegraph.ID{"a", "b", "a", "c", "b"}, ok},
		{"one key", []tracegraph.ID{"a"}, ok},
		{"no keys", nil, ok},
		{"an error per key", []tracegraph.ID{"a", "b", "c"}, func(keys []tracegraph.ID) ([]string, []error) {
			vals, _ := ok(keys)
			errs := make([]error, len(keys))
			errs[1] = fmt.Errorf("%s does not exist", keys[1])
			return vals, errs
		}},
		{"one error for all", []tracegraph.ID{"a", "b", "c"}, func([]tracegraph.ID) ([]string, []error) {
			return nil, []error{errStore}
		}},
		{"one nil error", []tracegraph.ID{"a", "b"}, func(keys []tracegraph.ID) ([]string, []error) {
			vals, _ := ok(keys)
			return vals, []error{nil}
		}},
		{"too few values", []tracegraph.ID{"a", "b", "c"}, func(keys []tracegraph.ID) ([]string, []error) {
			vals, _ := ok(keys)
			return vals[:2], nil
		}},
		{"too few errors", []tracegraph.ID{"a", "b", "c"}, func(keys []tracegraph.ID) ([]string, []error) {
			vals, _ := ok(keys)
			return vals, []error{nil, errStore}
		}},
		{"panic", []tracegraph.ID{"a", "b"}, func([]tracegraph.ID) ([]string, []error) {
			panic("boom")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			type call struct{ keys []tracegraph.ID }
			var refCalls, calls []call
			ref := dataloadgen.NewLoader(func(_ context.Context, keys []tracegraph.ID) ([]string, []error) {
				refCalls = append(refCalls, call{append([]tracegraph.ID(nil), keys...)})
				return tc.fetch(keys)
			}, dataloadgen.WithBatchCapacity(max(len(tc.keys), 1)), dataloadgen.WithWait(time.Millisecond))
			b := newBatchLoader(tc.keys, func(_ context.Context, keys []tracegraph.ID) ([]string, []error) {
				calls = append(calls, call{append([]tracegraph.ID(nil), keys...)})
				return tc.fetch(keys)
			})
			ctx := context.Background()
			ref.LoadAllThunk(ctx, tc.keys)
			asked := append(append([]tracegraph.ID(nil), tc.keys...), "unknown")
			for _, k := range asked {
				wv, werr := ref.Load(ctx, k)
				gv, gerr := b.load(ctx, k)
				if gv != wv || fmt.Sprint(gerr) != fmt.Sprint(werr) || errors.Is(werr, errStore) != errors.Is(gerr, errStore) {
					t.Errorf("load(%s) = %q, %v; dataloadgen: %q, %v", k, gv, gerr, wv, werr)
				}
			}
			if !reflect.DeepEqual(calls, refCalls) {
				t.Errorf("fetched %v; dataloadgen fetched %v", calls, refCalls)
			}
		})
	}
}
