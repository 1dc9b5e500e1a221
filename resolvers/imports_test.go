package resolvers_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/tracegraph/tracegraph"

// TestForbiddenImports keeps the layers honest: the GraphQL layer (graph/
// and resolvers/) talks to a tracegraph.Store and never to a store
// implementation, a database driver or the HTTP framework; ingest/ turns
// bytes into events for any transport and knows none of them.
func TestForbiddenImports(t *testing.T) {
	stores := []string{
		"github.com/cockroachdb/pebble",
		"github.com/neo4j/neo4j-go-driver",
		module + "/embedded",
		module + "/cypher",
	}
	rules := []struct {
		pkgs      []string
		forbidden []string
	}{
		{[]string{module + "/resolvers", module + "/graph/..."},
			append([]string{"github.com/labstack/echo", module + "/server"}, stores...)},
		{[]string{module + "/ingest"},
			append([]string{"github.com/labstack/echo", "github.com/99designs/gqlgen", module + "/server", module + "/resolvers", module + "/graph"}, stores...)},
	}
	for _, r := range rules {
		for _, pkg := range r.pkgs {
			out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, f := range r.forbidden {
					if dep == f || strings.HasPrefix(dep, f+"/") {
						t.Errorf("%s depends on %s", pkg, dep)
					}
				}
			}
		}
	}
}
