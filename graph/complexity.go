package graph

import (
	"context"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

// WithoutPlainComplexity returns es with a Complexity that answers the
// fields without a complexity function (nil in the schema's
// ComplexityRoot) and the introspection fields (__typename, whose names
// have no case in the generated switch) at once, with what the generated
// Complexity answers for them: (0, false), after an execution context
// allocated per call and a switch over ~400 names, for every field of
// every operation the limits estimate (an interface's fields once per
// implementing type). The other fields, and any the schema's names do not
// map to one ComplexityRoot function unambiguously, go to the generated
// Complexity. es is returned as it is when it is not
// an executable schema made by NewExecutableSchema.
func WithoutPlainComplexity(es graphql.ExecutableSchema) graphql.ExecutableSchema {
	s, ok := es.(*executableSchema)
	if !ok {
		return es
	}
	c := &plainComplexity{executableSchema: s, plain: map[string]map[string]bool{}}
	root := reflect.ValueOf(&s.ComplexityRoot).Elem()
	for _, def := range s.Schema().Types {
		typ, ok := foldField(root, def.Name)
		if !ok || typ.Kind() != reflect.Struct {
			continue
		}
		for _, f := range def.Fields {
			fn, ok := foldField(typ, f.Name)
			if ok && fn.Kind() == reflect.Func && fn.IsNil() {
				if c.plain[def.Name] == nil {
					c.plain[def.Name] = map[string]bool{}
				}
				c.plain[def.Name][f.Name] = true
			}
		}
	}
	return c
}

type plainComplexity struct {
	*executableSchema
	plain map[string]map[string]bool // by type and field
}

// Complexity implements graphql.ExecutableSchema.
func (c *plainComplexity) Complexity(ctx context.Context, typeName, field string, childComplexity int, rawArgs map[string]any) (int, bool) {
	if c.plain[typeName][field] || strings.HasPrefix(field, "__") {
		return 0, false
	}
	return c.executableSchema.Complexity(ctx, typeName, field, childComplexity, rawArgs)
}

// foldField returns the one field of struct v whose Go name is name but
// for case (gqlgen's Go names of GraphQL names), and false when there is
// none or more than one.
func foldField(v reflect.Value, name string) (reflect.Value, bool) {
	var found reflect.Value
	n := 0
	for i := range v.NumField() {
		if strings.EqualFold(v.Type().Field(i).Name, name) {
			found, n = v.Field(i), n+1
		}
	}
	return found, n == 1
}
