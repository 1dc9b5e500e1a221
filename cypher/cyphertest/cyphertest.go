// Package cyphertest opens Neo4j stores on the real test server for the
// tests of other packages (server, cmd), so that the same known-answer tests
// run on both stores. See cypher/internal/testserver for how the server is
// found and shared.
package cyphertest

import (
	"context"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/cypher"
	"github.com/tracegraph/tracegraph/cypher/internal/testserver"
)

// Config returns how to reach the test server, or skips t (fails it in CI)
// when there is none.
func Config(t testing.TB) cypher.Config {
	t.Helper()
	return config(testserver.Get(t))
}

func config(srv testserver.Server) cypher.Config {
	return cypher.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database}
}

// Open empties the test database and opens a store on it with the clock now
// (nil: time.Now). The store closes when the test ends unless the caller has
// closed it.
func Open(t testing.TB, now func() time.Time) *cypher.Store {
	t.Helper()
	srv := testserver.Get(t)
	cfg := config(srv)
	cfg.Now = now
	ctx := context.Background()
	if err := testserver.Erase(ctx, srv); err != nil {
		t.Fatal(err)
	}
	s, err := cypher.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("cypher.Open(%s): %v", cfg.URI, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
