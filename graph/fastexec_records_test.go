package graph

import (
	"bytes"
	"math"
	"strconv"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestRecordFieldsAreTheModelMethods: every field of the record path's
// table writes, from a property's PropValue, the bytes the field table's
// writer writes from the model object (the model method) of a node with
// that property, for property values of every kind: absent, null, empty,
// strings with escapes, times valid and not, numbers of every form, bools,
// lists and objects; and the ID fields for IDs with escapes.
func TestRecordFieldsAreTheModelMethods(t *testing.T) {
	q := &FastQueries{types: fastFields(), records: recordFields()}
	values := []any{nil, "", "plain", "x<&>\u2028\"\\\n\x01é\xff", "2026-03-01T07:00:00Z",
		"2026-03-01T07:00:00.123456789+02:00", "2026-03-01", "2026-13-01T07:00:00Z", "MADE", "PURCHASED",
		0.0, math.Copysign(0, -1), 3.7, 42.0, -1e21, 1e-7, 2.5e9, true, false, []any{"a"}, map[string]any{"a": 1.0}}
	for typ, fields := range q.records {
		for field, spec := range fields {
			w, ok := q.types[typ][field]
			if !ok {
				t.Errorf("record field %s.%s is not in the field table", typ, field)
				continue
			}
			for _, key := range []string{"U1", "x<&>\u2028\"é", ""} {
				id := tracegraph.NewID(tracegraph.Label(typ), key)
				for i := -1; i < len(values); i++ {
					props := map[string]any{"other": "o"}
					if i >= 0 && spec.key != "" {
						props[spec.key] = values[i]
					}
					n := &tracegraph.Node{ID: id, Label: tracegraph.Label(typ), Props: props}
					gotTyp, obj := nodeObject(model.NewNode(id, n, nil))
					if gotTyp != typ {
						t.Fatalf("node object of %s: %s", id, gotTyp)
					}
					x := &fastExec{q: q}
					errWant := w.write(x, &fastField{}, obj)
					want := x.b
					x = &fastExec{q: q}
					v, in := props[spec.key]
					errGot := x.recordValue(spec, typ, id, tracegraph.PropValueOf(v, in))
					if !bytes.Equal(x.b, want) || (errGot == nil) != (errWant == nil) {
						t.Errorf("%s.%s of %s with %#v: record path %q (%v), model method %q (%v)",
							typ, field, id, props[spec.key], x.b, errGot, want, errWant)
					}
				}
			}
		}
	}
}

// TestShapeCacheBounded: the shape cache holds at most maxShapes documents
// and shapes, whatever documents come (with directives or not).
func TestShapeCacheBounded(t *testing.T) {
	var c shapeCache
	nf := &fastField{}
	for i := range 3 * maxShapes {
		doc := &ast.QueryDocument{}
		if i%2 == 0 {
			doc.Operations = ast.OperationList{{Directives: ast.DirectiveList{{Name: "x"}}}}
		}
		if k, ok := c.key(doc, nf); ok {
			c.put(k, nf.cf.Selections, nil)
		}
		if len(c.plain) > maxShapes || c.n > maxShapes || len(c.shapes) > maxShapes {
			t.Fatalf("after %d documents: %d documents, %d shapes kept", i+1, len(c.plain), c.n)
		}
	}
}

// TestKeyCache: the cached key of an alias is the alias quoted as
// appendQuoted writes it, with a colon, whether cached or not, and the
// cache holds at most maxShapes aliases.
func TestKeyCache(t *testing.T) {
	var c keyCache
	for i := range 3 * maxShapes {
		alias := []string{"id", "partNumber", "_x1", `a"<&>`}[i%4] + strconv.Itoa(i%(2*maxShapes))
		want := string(appendQuoted(nil, alias)) + ":"
		for range 2 {
			if got := c.key(alias); got != want {
				t.Fatalf("key(%q) = %q, want %q", alias, got, want)
			}
		}
		if len(c.keys) > maxShapes {
			t.Fatalf("%d aliases kept", len(c.keys))
		}
	}
}
