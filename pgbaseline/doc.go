// Package pgbaseline is a benchmark baseline, not a store: the genealogy and
// recall queries of tracegraph written the way an SQL-based MES answers them
// today, as PostgreSQL recursive common table expressions over a nodes table
// and an edges table.
//
// PERFORMANCE.md sets the target "tracegraph ≥ 10× faster on recall and
// genealogy than a PostgreSQL recursive-CTE implementation of the same
// queries, on the same data, same run". This package is that implementation.
// Load copies the topology of a tracegraph store (embedded.Store's
// ExportTopology) into PostgreSQL with COPY, adds the indexes a competent MES
// DBA would add and analyzes the tables; Genealogy and Recall then answer the
// same questions as the store's Trace (upstream, depth-bounded) and
// RecallImpact (downstream, split confirmed/possible, rolled up to products,
// work orders, boxes, pallets, shipments and customers), so that `tracegraph
// bench` and this package's benchmarks can time both on the same data in the
// same run.
//
// It holds only what the two queries need (no properties, no event log, no
// rules) and answers about the current structure only: edges still open
// (valid_to IS NULL) and not voided. Its answers match the store's at an asOf
// after the last event; the package's tests check that on a generated
// factory when TRACEGRAPH_PG_DSN names a PostgreSQL database
// (scripts/pg-baseline-up.sh starts a throwaway one).
//
// Schema (Load drops and recreates it):
//
//	nodes(id bigint PRIMARY KEY, gid text UNIQUE, label smallint, status smallint)
//	edges(src bigint, dst bigint, type smallint, precision smallint,
//	      valid_from timestamptz, valid_to timestamptz NULL, voided bool)
//
// id is the store's node index; label and type are the codes of
// tracegraph.Labels and tracegraph.EdgeTypes; precision is tracegraph.Precision;
// status is 0 (none), 1 WIP, 2 COMPLETED, 3 SHIPPED, 4 SCRAPPED. The primary
// key index of nodes includes label and status, and edges has covering b-tree
// indexes on (src, type) and (dst, type) that include the other end, the
// precision, valid_to and voided, so that every hop of a recursive step is an
// index-only scan.
package pgbaseline
