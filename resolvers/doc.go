// Package resolvers answers the GraphQL schema of package graph from a
// tracegraph.Store.
//
// Resolvers are thin: they convert arguments, call the store (through the
// batch groups in group.go) and wrap the answers in graph/model types. The
// package also holds what every GraphQL transport needs: the error presenter
// (domain codes become extensions.code, internals never leak), the depth and
// complexity limits, and the write check of mutations.
//
// Batching. Every list the resolvers return is a group: the nodes of a page of
// units, of a trace page, the targets of the edges loaded for a group, and so
// on. A relation of the members of a group (their properties for one GraphQL
// field, their edges for one edge query) is loaded through a batch loader
// over the group's keys (batch.go): the first member that asks fetches every
// member's key in one store call, whoever asks first, without waiting for a
// timer and whatever the scheduling of the others, and the loader then
// answers the other members from that one answer. A page of 100 units with their tests and lots
// costs five store calls: the units, the test edges, the test runs, the lot
// edges and the lots (TestBatchedStoreCalls counts them).
//
// This package never imports echo, a store implementation or a database driver.
package resolvers
