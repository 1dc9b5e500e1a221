// Package graph is the GraphQL schema of tracegraph and the executable schema
// gqlgen generates from it.
//
// The schema is hand-written in schema/*.graphqls; generated.go is written by
// gqlgen (configured in gqlgen.yml at the repository root) and must never be
// edited by hand: run `go generate ./graph/` after changing the schema. The
// resolvers that answer the schema are in package resolvers.
package graph

//go:generate go run github.com/99designs/gqlgen generate
