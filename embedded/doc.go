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
//
// The analysts' questions (tracegraph.Analyst) read secondary indexes that
// the same batches write (index.go): material by its receipt properties with
// the date code next, so "supplier X, date codes A to B" is one range scan;
// process and test records by station, recipe, step, test type, firmware
// and measurement, in time order. A store made before them gets them at its
// next Open, once. Recall questions share one engine (recall.go): a walk
// over the topology, then a rollup, or a stream that takes the read lock a
// chunk at a time.
package embedded
