package resolvers

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Default limits of a GraphQL operation.
const (
	DefaultMaxDepth      = 15
	DefaultMaxComplexity = 200_000
)

// Limits refuses operations nested deeper than MaxDepth fields, or whose
// estimated cost is above MaxComplexity, with a LIMIT error before anything
// runs. The cost of a field is 1 plus that of its selection, times the page
// size for paged lists and a typical length for other lists (see
// complexity.go). Introspection fields do not count towards the depth.
type Limits struct {
	MaxDepth      int
	MaxComplexity int

	es graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*Limits)(nil)

// ExtensionName implements graphql.HandlerExtension.
func (l *Limits) ExtensionName() string { return "Limits" }

// Validate implements graphql.HandlerExtension.
func (l *Limits) Validate(es graphql.ExecutableSchema) error {
	l.es = es
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxComplexity <= 0 {
		l.MaxComplexity = DefaultMaxComplexity
	}
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (l *Limits) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	if op == nil {
		return nil
	}
	if d := depth(op.SelectionSet, opCtx.Doc.Fragments, map[string]bool{}); d > l.MaxDepth {
		return limitError("the query is nested %d levels deep; the limit is %d", d, l.MaxDepth)
	}
	if c := complexity.Calculate(ctx, l.es, op, opCtx.Variables); c > l.MaxComplexity {
		return limitError("the query would cost %d; the limit is %d (ask for smaller pages or fewer nested lists)", c, l.MaxComplexity)
	}
	return nil
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
