package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// marshalSlice marshals a list's elements one after another in the calling
// goroutine. The generated code calls it where gqlgen writes
// graphql.MarshalSliceConcurrently, which starts one goroutine per element
// of every list of objects (internal/inlinelists rewrites the call as part
// of `go generate`; no gqlgen option or release turns that off). For
// tracegraph those goroutines bought nothing and cost most of a query's CPU
// (docs/bench-http.md): resolvers do no I/O of their own per element, and the
// loaders batch a list's siblings on the first ask (resolvers/group.go), not
// by waiting for concurrent callers.
//
// The answer is the same as gqlgen's, byte for byte: each element gets a
// field context with its index, a panic in an element is recovered into an
// error on that element's path and makes the whole list null (unless the
// schema was generated to omit panic handlers).
func marshalSlice(ctx context.Context, length int, _ int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	failed := false
	for i := range length {
		fc := &graphql.FieldContext{Index: &i}
		childCtx := graphql.WithFieldContext(ctx, fc)
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					failed = true
				}
			}()
			ret[i] = marshalElement(childCtx, i)
		}()
	}
	if failed {
		return nil
	}
	return ret
}

// deferPath is the path of the object being marshalled when some of its
// fields are deferred (@defer), and nil otherwise. The generated code calls
// it where gqlgen computes graphql.GetPath(ctx) for every object it
// marshals, only to hand it to ProcessDeferredGroup, which ignores it when
// nothing is deferred (internal/inlinelists rewrites the call). GetPath
// walks the field contexts up to the root and allocates the path: about one
// allocation in eight of a genealogy's execution.
func deferPath(ctx context.Context, defers map[string]*graphql.FieldSetView) ast.Path {
	if len(defers) == 0 {
		return nil
	}
	return graphql.GetPath(ctx)
}

// noChildFields is the error of FieldContext.Child on a scalar field: the
// generated code makes every scalar field's context with one, for a call
// that does not happen while marshalling. gqlgen writes errors.New(...),
// which allocates for every field of every answer; a constant of this type
// does not allocate, and its message is the same (internal/inlinelists
// rewrites the call).
type noChildFields string

func (t noChildFields) Error() string {
	return "field of type " + string(t) + " does not have child fields"
}
