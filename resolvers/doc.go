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
// on. Each group holds dataloadgen loaders: nodes by ID (one loader per
// GraphQL field that asks), and edges by ID for one edge query (one loader per
// label and query). A loader's batch capacity is the number of distinct
// siblings that will ask, known from the group and the field's selection, so
// the batch is fetched the moment the last sibling asks: one store call per
// group and relation, without waiting for a timer and whatever the scheduling.
// (The loaders' wait, Config.BatchWait, only matters when a sibling never
// asks, for example because its parent field failed.) A page of 100 units
// with their tests and lots costs five store calls: the units, the test edges,
// the test runs, the lot edges and the lots.
//
// This package never imports echo, a store implementation or a database driver.
package resolvers
