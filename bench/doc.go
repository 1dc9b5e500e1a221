// Package bench measures tracegraph against the targets of PERFORMANCE.md on
// a generated reference factory: bulk import, durable ingest, upstream
// genealogy, recall with its rollup, pallet explode and the memory the
// topology takes. `tracegraph bench` runs it and prints each figure beside its
// target; docs/benchmarks.md records the results with the command.
package bench
