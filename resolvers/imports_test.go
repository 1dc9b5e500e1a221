package resolvers_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestForbiddenImports keeps the layers honest: the GraphQL layer (graph/
// and resolvers/) talks to a tracegraph.Store and never to a store
// implementation, a database driver or the HTTP framework.
func TestForbiddenImports(t *testing.T) {
	forbidden := []string{
		"github.com/labstack/echo",
		"github.com/cockroachdb/pebble",
		"github.com/neo4j/neo4j-go-driver",
		"github.com/tracegraph/tracegraph/embedded",
		"github.com/tracegraph/tracegraph/cypher",
		"github.com/tracegraph/tracegraph/server",
	}
	for _, pkg := range []string{"github.com/tracegraph/tracegraph/resolvers", "github.com/tracegraph/tracegraph/graph/..."} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
