package cypher

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcneo4j "github.com/testcontainers/testcontainers-go/modules/neo4j"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// The conformance suite runs against a real Neo4j: the one named by
// TRACEGRAPH_NEO4J_URI (with _USER, _PASSWORD, _DATABASE), or else a neo4j:5
// container started through testcontainers where a Docker engine answers.
// With neither, the tests are skipped, saying why. Never a stand-in.

// testImage is the image the container tests run.
const testImage = "neo4j:5"

var server struct {
	once sync.Once
	cfg  Config
	skip string
	err  error
	stop func()
}

// TestMain stops the container, if a test started one, after every test.
func TestMain(m *testing.M) {
	code := m.Run()
	if server.stop != nil {
		server.stop()
	}
	os.Exit(code)
}

// neo4jConfig returns how to reach the test server, or skips t.
func neo4jConfig(t *testing.T) Config {
	t.Helper()
	if uri := os.Getenv("TRACEGRAPH_NEO4J_URI"); uri != "" {
		return Config{URI: uri, User: os.Getenv("TRACEGRAPH_NEO4J_USER"), Password: os.Getenv("TRACEGRAPH_NEO4J_PASSWORD"),
			Database: os.Getenv("TRACEGRAPH_NEO4J_DATABASE")}
	}
	if testing.Short() {
		t.Skip("SKIP: -short; Neo4j tests need TRACEGRAPH_NEO4J_URI or a Docker engine")
	}
	t.Log("TRACEGRAPH_NEO4J_URI is not set: trying a " + testImage + " container, which needs a Docker engine")
	testcontainers.SkipIfProviderIsNotHealthy(t)
	server.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		const password = "tracegraph-test"
		c, err := tcneo4j.Run(ctx, testImage, tcneo4j.WithAdminPassword(password))
		if err != nil {
			server.err = err
			return
		}
		server.stop = func() { _ = testcontainers.TerminateContainer(c) }
		uri, err := c.BoltUrl(ctx)
		if err != nil {
			server.err = err
			return
		}
		server.cfg = Config{URI: uri, User: "neo4j", Password: password}
	})
	if server.err != nil {
		t.Fatalf("start %s container: %v", testImage, server.err)
	}
	return server.cfg
}

// openEmpty opens a store on the test server and empties its database.
func openEmpty(t *testing.T) *Store {
	t.Helper()
	cfg := neo4jConfig(t)
	ctx := context.Background()
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.URI, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := s.deleteAll(ctx); err != nil {
		t.Fatalf("empty the test database: %v", err)
	}
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
