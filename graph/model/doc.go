// Package model holds the Go types the GraphQL schema is bound to.
//
// The node types (Unit, MaterialLot, ...) are thin views over a
// *tracegraph.Node: their fields are read from the node's properties by
// methods, so gqlgen marshals them inline, without a resolver call or a
// goroutine per field. Fields that need the store (a unit's tests, its
// children, ...) are answered by package resolvers.
//
// The hand-written files define every type other hand-written code refers
// to; models_gen.go is written by gqlgen and must not be edited.
package model
