package graph

import (
	"context"
	"reflect"
	"testing"
)

// TestWithoutPlainComplexityIsComplexity: for every field of the schema
// and the introspection fields on every type,
// with complexity functions set on a third of them (each answering its own
// value) and the rest nil, the wrapped Complexity answers what the
// generated one does, with arguments absent, well-formed and malformed; and
// it does answer the nil ones itself.
func TestWithoutPlainComplexityIsComplexity(t *testing.T) {
	var c ComplexityRoot
	root := reflect.ValueOf(&c).Elem()
	k := 0
	for i := range root.NumField() {
		typ := root.Field(i)
		for j := range typ.NumField() {
			fn := typ.Field(j)
			if k++; k%3 != 0 {
				continue
			}
			v := k
			fn.Set(reflect.MakeFunc(fn.Type(), func(in []reflect.Value) []reflect.Value {
				return []reflect.Value{reflect.ValueOf(int(in[0].Int())*1000 + v)}
			}))
		}
	}
	es := NewExecutableSchema(Config{Complexity: c})
	fast := WithoutPlainComplexity(es)
	plain := 0
	for _, fields := range fast.(*plainComplexity).plain {
		plain += len(fields)
	}
	args := []map[string]any{nil, {"first": 3, "after": "b2Zmc2V0OjM"}, {"first": "x"},
		{"from": []any{"Unit:X"}, "direction": "UPSTREAM", "first": 2}, {"id": "Unit:X", "code": "X"}}
	ctx := context.Background()
	fields, set := 0, 0
	for _, def := range es.Schema().Types {
		names := []string{"__typename", "__schema", "__type"}
		for _, f := range def.Fields {
			names = append(names, f.Name)
		}
		fields += len(def.Fields)
		for _, name := range names {
			for _, a := range args {
				got, gotOK := fast.Complexity(ctx, def.Name, name, 7, a)
				want, wantOK := es.Complexity(ctx, def.Name, name, 7, a)
				if got != want || gotOK != wantOK {
					t.Fatalf("%s.%s with %v: %d %v, want %d %v", def.Name, name, a, got, gotOK, want, wantOK)
				}
				if wantOK && a == nil {
					set++
				}
			}
		}
	}
	t.Logf("%d fields, %d set, %d plain", fields, set, plain)
	if set < 100 || plain < fields/2 {
		t.Fatalf("%d fields, %d with a function answering, %d answered by the wrapper: the test proves little", fields, set, plain)
	}
}
