package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

// The store backends.
const (
	storeEmbedded = "embedded"
	storeNeo4j    = "neo4j"
)

// storeConfig selects and configures the store a command works on.
type storeConfig struct {
	// Kind is storeEmbedded or storeNeo4j.
	Kind string
	// DataDir is the embedded store's directory.
	DataDir string
	// Neo4j connection: URI (bolt:// or neo4j://), user, password, database.
	Neo4jURI, Neo4jUser, Neo4jPassword, Neo4jDatabase string
	Logger                                            *slog.Logger
}

// openStore opens the configured store. The caller closes it.
func openStore(ctx context.Context, cfg storeConfig) (tracegraph.Store, error) {
	switch cfg.Kind {
	case "", storeEmbedded:
		if cfg.DataDir == "" {
			return nil, fmt.Errorf("the embedded store needs a data directory (--data)")
		}
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		s, err := embedded.Open(cfg.DataDir, embedded.Options{})
		if err != nil {
			return nil, fmt.Errorf("open embedded store in %s: %w", cfg.DataDir, err)
		}
		return s, nil
	case storeNeo4j:
		if cfg.Neo4jURI == "" {
			return nil, fmt.Errorf("the neo4j store needs --neo4j-uri (e.g. neo4j://localhost:7687)")
		}
		return openNeo4j(ctx, cfg)
	}
	return nil, fmt.Errorf("--store %q is not %s or %s", cfg.Kind, storeEmbedded, storeNeo4j)
}
