package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestScalarFieldContextChildError: the generated scalar field contexts, made
// with noChildFields instead of errors.New, still refuse Child with gqlgen's
// message.
func TestScalarFieldContextChildError(t *testing.T) {
	ec := &executionContext{}
	ctx := context.Background()
	field := graphql.CollectedField{Field: &ast.Field{Name: "x"}}
	tests := []struct {
		name string
		fc   func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error)
		want string
	}{
		{"Int", ec.fieldContext_TraceNodeEdge_depth, "field of type Int does not have child fields"},
		{"ID", ec.fieldContext_Unit_id, "field of type ID does not have child fields"},
		{"String", ec.fieldContext_Unit_partNumber, "field of type String does not have child fields"},
		{"enum", ec.fieldContext_TraceNodeEdge_precision, "field of type Precision does not have child fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc, err := tt.fc(ctx, field)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fc.Child(ctx, field); err == nil || err.Error() != tt.want {
				t.Errorf("Child: %v, want %q", err, tt.want)
			}
		})
	}
}
