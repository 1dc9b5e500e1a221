package cypher

import (
	"context"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/internal/testserver"
	"github.com/tracegraph/tracegraph/storetest"
)

// The conformance suite runs against a real Neo4j: the one named by
// TRACEGRAPH_NEO4J_URI (scripts/neo4j.sh starts one; .ci/run does so). See
// internal/testserver for when the tests skip or fail without it.

// neo4jConfig returns how to reach the test server, or skips t.
func neo4jConfig(t *testing.T) Config {
	t.Helper()
	srv := testserver.Get(t)
	return Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database}
}

// openEmpty opens a store on the test server and empties its database.
func openEmpty(t *testing.T) *Store {
	t.Helper()
	cfg := neo4jConfig(t)
	ctx := context.Background()
	if err := testserver.Erase(ctx, testserver.Get(t)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.URI, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	neo4jConfig(t) // skip the whole suite at once when there is no server
	storetest.Run(t, func(t *testing.T) tracegraph.Store { return openEmpty(t) })
}

func TestOpenIsIdempotent(t *testing.T) {
	s := openEmpty(t)
	// A second Open applies the schema again: nothing to create, no error.
	s2, err := Open(context.Background(), neo4jConfig(t))
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s2.Close()
	if seq, hash, err := s.Head(context.Background()); err != nil || seq != 0 || hash != "" {
		t.Fatalf("Head() = %d, %q, %v; want 0, \"\", nil", seq, hash, err)
	}
}
