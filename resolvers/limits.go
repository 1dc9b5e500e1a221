package resolvers

import (
	"context"
	"strings"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Default limits of a GraphQL operation.
const (
	DefaultMaxDepth      = 15
	DefaultMaxComplexity = 200_000
	DefaultMaxFields     = 1_000
)

// Limits refuses operations nested deeper than MaxDepth fields, with more
// than MaxFields fields (aliases and the fields of fragments counted each
// time they are used), or whose estimated cost is above MaxComplexity, with
// a LIMIT error before anything runs. The cost of a field is 1 plus that of
// its selection, times the page size for paged lists and a typical length
// for other lists, plus the work of the fields that scan or traverse (see
// complexity.go). Introspection fields do not count towards the depth.
//
// Timeout, when positive, bounds a query or mutation from its start: its
// fields' context ends then, so that the store calls still running stop,
// and their errors are LIMIT errors that name it. Subscriptions last as
// long as their client.
type Limits struct {
	MaxDepth      int
	MaxComplexity int
	MaxFields     int
	Timeout       time.Duration

	es graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.RootFieldInterceptor
} = (*Limits)(nil)

// ExtensionName implements graphql.HandlerExtension.
func (l *Limits) ExtensionName() string { return "Limits" }

// Validate implements graphql.HandlerExtension.
func (l *Limits) Validate(es graphql.ExecutableSchema) error {
	// The estimate calls the schema's Complexity for every field of every
	// operation; most fields have no function of their own, which the
	// wrapper answers without the generated code's switch (the same answer).
	l.es = graph.WithoutPlainComplexity(es)
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxComplexity <= 0 {
		l.MaxComplexity = DefaultMaxComplexity
	}
	if l.MaxFields <= 0 {
		l.MaxFields = DefaultMaxFields
	}
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (l *Limits) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	if op == nil {
		return nil
	}
	if n := countFields(op.SelectionSet, opCtx.Doc.Fragments, l.MaxFields+1, map[string]bool{}); n > l.MaxFields {
		return limitError("the query has more than %d fields (aliases and fragments' fields each time they are used); ask for fewer", l.MaxFields)
	}
	if d := depth(op.SelectionSet, opCtx.Doc.Fragments, map[string]bool{}); d > l.MaxDepth {
		return limitError("the query is nested %d levels deep; the limit is %d", d, l.MaxDepth)
	}
	if c := complexity.Calculate(ctx, l.es, op, opCtx.Variables); c > l.MaxComplexity {
		return limitError("the query would cost %d; the limit is %d (ask for smaller pages or fewer nested lists)", c, l.MaxComplexity)
	}
	return nil
}

// InterceptRootField implements graphql.RootFieldInterceptor: it bounds
// each root field by the operation's deadline (Timeout after its start).
// The deadline is set on the fields, not on the operation, so that gqlgen
// still writes the answer, with their errors, when it has passed.
func (l *Limits) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	oc := graphql.GetOperationContext(ctx)
	if l.Timeout <= 0 || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	ctx, cancel := context.WithDeadlineCause(ctx, oc.Stats.OperationStart.Add(l.Timeout), tracegraph.Errorf(tracegraph.CodeLimit, "",
		"the request ran longer than %s, the limit per request; ask for less (smaller pages, fewer fields)", l.Timeout))
	defer cancel()
	return next(ctx)
}

func limitError(format string, args ...any) *gqlerror.Error {
	return operationError(tracegraph.Errorf(tracegraph.CodeLimit, "", format, args...))
}

// depth returns how many fields deep the selection set goes.
func depth(set ast.SelectionSet, frags ast.FragmentDefinitionList, visiting map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + depth(s.SelectionSet, frags, visiting)
		case *ast.InlineFragment:
			d = depth(s.SelectionSet, frags, visiting)
		case *ast.FragmentSpread:
			if visiting[s.Name] {
				continue // a cycle; validation refuses it
			}
			f := frags.ForName(s.Name)
			if f == nil {
				continue
			}
			visiting[s.Name] = true
			d = depth(f.SelectionSet, frags, visiting)
			delete(visiting, s.Name)
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// countFields counts the fields of the selection set, each fragment's as
// often as it is spread, up to limit: it stops there, so that a document
// whose fragments multiply costs no more to count than limit fields.
func countFields(set ast.SelectionSet, frags ast.FragmentDefinitionList, limit int, visiting map[string]bool) int {
	n := 0
	for _, sel := range set {
		if n >= limit {
			return n
		}
		switch s := sel.(type) {
		case *ast.Field:
			n += 1 + countFields(s.SelectionSet, frags, limit-n-1, visiting)
		case *ast.InlineFragment:
			n += countFields(s.SelectionSet, frags, limit-n, visiting)
		case *ast.FragmentSpread:
			f := frags.ForName(s.Name)
			if f == nil || visiting[s.Name] {
				continue // a cycle or an unknown fragment; validation refuses it
			}
			visiting[s.Name] = true
			n += countFields(f.SelectionSet, frags, limit-n, visiting)
			delete(visiting, s.Name)
		}
	}
	return n
}
