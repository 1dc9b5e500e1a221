package resolvers_test

import (
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/resolvers"
)

// TestEveryRootFieldHasAGrant: a root field added to the schema without a
// line in the access table would be refused to everyone; this says so at
// once.
func TestEveryRootFieldHasAGrant(t *testing.T) {
	s := resolvers.New(resolvers.Config{}).ExecutableSchema().Schema()
	n := 0
	for _, typ := range []string{"Query", "Mutation", "Subscription"} {
		def := s.Types[typ]
		if def == nil {
			t.Fatalf("the schema has no %s type", typ)
		}
		for _, f := range def.Fields {
			if f.Name == "__typename" {
				continue
			}
			n++
			if _, ok := tracegraph.GrantOf(tracegraph.Operation(typ + "." + f.Name)); !ok {
				t.Errorf("%s.%s has no grant in tracegraph.Grants", typ, f.Name)
			}
		}
	}
	if n < 16 {
		t.Errorf("found %d root fields; the schema has more", n)
	}
}
