package main

import (
	"context"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher"
)

// openNeo4j opens the Neo4j store (package cypher), applying its schema.
func openNeo4j(ctx context.Context, cfg storeConfig) (tracegraph.Store, error) {
	s, err := cypher.Open(ctx, neo4jConfig(cfg))
	if err != nil {
		return nil, err
	}
	return s, nil
}

// neo4jConfig is the cypher.Config of a storeConfig.
func neo4jConfig(cfg storeConfig) cypher.Config {
	return cypher.Config{URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase}
}
