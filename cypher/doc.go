// Package cypher is the Neo4j store: tracegraph's event log and genealogy
// graph kept in a Neo4j 5 database, behind the same interfaces and the same
// projection rules as the embedded store.
//
// Every query is a .cypher file in this directory, embedded with go:embed
// and run with $parameters only. Cypher cannot take a label or relationship
// type as a parameter, so the queries that name the domain's labels and
// types are generated from tracegraph.Labels and tracegraph.EdgeTypes by
// `go generate ./cypher` (internal/querygen); a test fails when the
// committed files differ. scripts/cypher-lint checks every file with
// Neo4j's own parser.
//
// # Storage model
//
// A graph node is a Neo4j node with the labels :Node and its domain label
// (:Unit, :MaterialLot, ...). It carries id (the global ID "Label:key"), key,
// _label, _createdBy and _version, and its properties: strings, numbers and
// booleans as Neo4j properties of the same name, and lists, maps and any
// property whose name is id, key or starts with "_" as a JSON string under
// "_json_" + name (see encodeProps). A voided node keeps :Node, its id and its
// relationships, loses its domain label and gets _voided = true; creating its
// key again revives it, as in the embedded store. A TestRun also carries
// _fw_version and _fw_checksum, search copies of its JSON-encoded firmware
// for the indexes of the firmware questions (TestRun nodes written before
// them lack them: re-import such a database to ask those questions).
//
// Range indexes serve the analysts' questions: material by partNumber, mpn,
// manufacturer, supplier, countryOfOrigin and dateCode; process records by
// station, recipe and step; test records by testType and firmware. Each
// question runs one indexed lookup of its most selective field and checks
// the rest in Go with the domain's own Match (tracegraph.MaterialFilter,
// ProcessQuery, TestQuery), so both stores answer by the same definition.
//
// An edge is a relationship of its domain type (CONTAINS, CONSUMED, ...)
// with eid (the EdgeID), validFrom and validTo (datetimes; no validTo while
// open), precision ("EXACT", "CANDIDATE", "ORDER"), event, closedBy, voided
// and props (the edge's Props as JSON).
//
// Holds are (:Hold {id, source, reason, since, event, by}) nodes linked from
// every node they reach by (:Node)-[:HAS_HOLD {seq, ord}]->(:Hold). Additional numbers
// are (:Identifier {scheme, value, node}) nodes. Events are (:Event {id, seq,
// type, time, recordedAt, hash, prevHash, record, voidedBy}) nodes, record
// being the canonical JSON that is hashed, with (:Event)-[:CHANGED]->(:Node)
// for every node an event changed. The singleton (:Meta {id: 'head'}) holds
// the head seq and hash; every write transaction locks it first, so writers
// are serialized and the hash chain has no forks.
//
// # Transactions
//
// Apply runs one batch in one write transaction function: it locks and reads
// the head, prefetches what the rules will look up (the batch's event ids,
// the nodes and identifiers its events can name: one UNWIND query each, see
// prefetch), runs tracegraph.ProjectBatch over a GraphReader that reads
// through the same transaction, seals the accepted events, writes them and
// applies the mutations as UNWIND batches. A transaction that needs more
// memory than the server allows one fails with ErrTransactionMemory, not
// retried. The function has no effect
// outside the transaction, so the driver may retry it.
//
// # Reads
//
// Traversals (Trace, Explode, RecallImpact, RecallUnits, Evidence,
// WhereUsed) expand one breadth-first frontier per query from Go, never with
// variable-length patterns, whose path enumeration grows exponentially on
// genealogy graphs. Streamed answers (RecallUnits, WhereUsedUnits) are
// emitted after their read transaction ends, so a retried transaction never
// emits twice; they hold the walk's visited set, one entry per node reached.
package cypher

//go:generate go run ./internal/querygen/cmd
