package resolvers

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Access refuses, before anything runs, an operation one of whose root
// fields the principal of the request may not use (tracegraph.Allow with
// "Query.trace", "Mutation.placeHold", ...): UNAUTHENTICATED without a
// principal, FORBIDDEN when its roles do not grant the field. The whole
// operation is refused, not just the field. Root fields under @skip count
// too. When Required is false (authentication off) every operation is
// allowed.
//
// The events ingest records are judged one by one by their type (ingest.Batch).
type Access struct {
	Required bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Access{}

// ExtensionName implements graphql.HandlerExtension.
func (Access) ExtensionName() string { return "Access" }

// Validate implements graphql.HandlerExtension.
func (Access) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (a Access) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	if !a.Required || op == nil {
		return nil
	}
	root := rootTypeName(op.Operation)
	for _, name := range rootFields(op.SelectionSet, opCtx.Doc.Fragments, map[string]bool{}) {
		if name == "__typename" {
			continue
		}
		if err := tracegraph.Allow(ctx, tracegraph.Operation(root+"."+name)); err != nil {
			return operationError(tracegraph.AsError(err))
		}
	}
	return nil
}

// rootTypeName is the schema type of an operation: Query, Mutation or
// Subscription.
func rootTypeName(op ast.Operation) string {
	s := string(op)
	if s == "" {
		return "Query"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// rootFields lists the names of the fields of set, through fragments.
func rootFields(set ast.SelectionSet, frags ast.FragmentDefinitionList, visiting map[string]bool) []string {
	var names []string
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			names = append(names, s.Name)
		case *ast.InlineFragment:
			names = append(names, rootFields(s.SelectionSet, frags, visiting)...)
		case *ast.FragmentSpread:
			f := frags.ForName(s.Name)
			if f == nil || visiting[s.Name] {
				continue // validation refuses both
			}
			visiting[s.Name] = true
			names = append(names, rootFields(f.SelectionSet, frags, visiting)...)
		}
	}
	return names
}

// operationError is a domain error refusing a whole operation, as gqlgen
// answers it (with extensions.code).
func operationError(e *tracegraph.Error) *gqlerror.Error {
	return &gqlerror.Error{Message: e.Message, Err: e, Extensions: map[string]any{"code": string(e.Code)}}
}
