// Package bench measures tracegraph against the targets of PERFORMANCE.md
// and issue 14 on a generated reference factory, each figure beside its
// floor or peer measured in the same run: the bulk import of the factory's
// NDJSON (beside decoding it alone and Pebble taking as many keys raw),
// durable ingest over HTTP and through Store.Apply (beside an fsync loop),
// the README genealogy over HTTP GraphQL (beside `{ __typename }` and the
// store's own work), the demo's start (beside generating its events),
// genealogy against PostgreSQL recursive CTEs (package pgbaseline), and the
// store's own recall, genealogy, explode and topology memory. `tracegraph
// bench` runs it and prints the table; docs/bench-rig.md describes each row
// and docs/benchmarks.md records the results with the commands.
//
// It also holds what the HTTP benchmarks share (GenealogyQuery, Serve,
// RunClients, CPUTime), so that server's BenchmarkHTTPGenealogy and the
// bench rows measure the same way.
package bench
