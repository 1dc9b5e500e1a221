// Package graph is the GraphQL schema of tracegraph and the executable schema
// gqlgen generates from it.
//
// The schema is hand-written in schema/*.graphqls; generated.go is written by
// gqlgen (configured in gqlgen.yml at the repository root) and must never be
// edited by hand: run `go generate ./graph/` after changing the schema. The
// resolvers that answer the schema are in package resolvers.
//
// Generation has two steps: gqlgen, then internal/inlinelists, which makes
// lists marshal in the calling goroutine (see slice.go).
package graph

//go:generate go run github.com/99designs/gqlgen generate
//go:generate go run ./internal/inlinelists
