package resolvers_test

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/tracegraph/tracegraph"

// TestForbiddenImports keeps the layers honest: the GraphQL layer (graph/
// and resolvers/) talks to a tracegraph.Store and never to a store
// implementation, a database driver or the HTTP framework; ingest/ turns
// bytes into events (and ingest/epcis, beside it, speaks EPCIS) and report/
// writes reports for any transport, and api/ is the REST API's wire types:
// they know no transport and no store.
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
		{[]string{module + "/ingest/...", module + "/report", module + "/api"},
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

// TestImportsByFile: server/ needs resolvers/ only to mount the schema
// (graphql.go, and server.go's handle to wait for the resolvers on
// shutdown), and the tracegraph command needs server/ only to run it
// (serve.go, its flags, serve_cfx.go, which starts the CFX consumer
// beside the running server with its ingester, and serve_bench.go, which
// runs serve --demo for bench's demo row): reports, ingest and the wire
// types have packages of their own.
func TestImportsByFile(t *testing.T) {
	for _, r := range []struct {
		dir, pkg string
		allowed  []string
	}{
		{"../server", module + "/resolvers", []string{"graphql.go", "server.go"}},
		{"../cmd/tracegraph", module + "/server", []string{"serve.go", "serve_limits.go", "serve_cfx.go", "serve_bench.go"}},
	} {
		files, err := filepath.Glob(filepath.Join(r.dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", r.dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			pf, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range pf.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if path == r.pkg && !slices.Contains(r.allowed, filepath.Base(f)) {
					t.Errorf("%s imports %s; only %s may", f, path, strings.Join(r.allowed, ", "))
				}
			}
		}
	}
}
