// Package embedded is tracegraph's default store: no server, one data
// directory. The event log, node and edge records live in Pebble; the graph's
// topology (interned node IDs, flat edge arrays, adjacency per direction)
// lives in memory, rebuilt on open and appended on write, so traversals run at
// memory speed while properties are read from disk only for the rows returned.
//
// Writes go through one writer goroutine that gathers whatever batches are
// waiting, applies the shared rules (tracegraph.ProjectBatch) to all of them,
// commits them in one Pebble batch with one fsync, and only then acknowledges
// each caller (group commit).
package embedded
