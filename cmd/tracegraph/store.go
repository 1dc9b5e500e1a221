package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/pflag"
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
	// Bulk opens the embedded store for a bulk load (embedded.Options.Bulk).
	Bulk bool
	// MemTableBytes is the embedded store's memtable size (0: its default).
	MemTableBytes uint64
	// Serving fills the embedded store's record cache at open
	// (embedded.Options.WarmRecords): what a server wants, not a command
	// that opens the store once.
	Serving bool
}

// addStoreFlags adds the flags that select and configure a store: --data
// and the Neo4j ones.
func addStoreFlags(f *pflag.FlagSet, sc *storeConfig) {
	f.StringVar(&sc.DataDir, "data", "./data", "directory of the embedded store")
	addNeo4jFlags(f, sc)
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
		s, err := embedded.Open(cfg.DataDir, embedded.Options{Bulk: cfg.Bulk, MemTableBytes: cfg.MemTableBytes, WarmRecords: cfg.Serving, Logger: cfg.Logger})
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

// addNeo4jFlags adds --store and the Neo4j connection flags.
func addNeo4jFlags(f *pflag.FlagSet, sc *storeConfig) {
	f.StringVar(&sc.Kind, "store", storeEmbedded, "store backend: embedded or neo4j")
	f.StringVar(&sc.Neo4jURI, "neo4j-uri", "", "Neo4j address for --store neo4j, e.g. neo4j://localhost:7687")
	f.StringVar(&sc.Neo4jUser, "neo4j-user", "neo4j", "Neo4j user")
	f.StringVar(&sc.Neo4jPassword, "neo4j-password", "", "Neo4j password (better: TRACEGRAPH_NEO4J_PASSWORD)")
	f.StringVar(&sc.Neo4jDatabase, "neo4j-database", "", "Neo4j database (default: the server's default)")
}
