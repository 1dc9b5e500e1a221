// Package ingest is the one place where bytes from outside become tracegraph
// events: an HTTP body, a file, a GraphQL input, and (beside it, in its own
// packages) the messages of the factory's standards.
//
// The flow is always the same:
//
//	bytes ── Read (JSON array or NDJSON, with line numbers)
//	      ── Batch.Add (tracegraph.DecodeEvent; the principal may record it?)
//	      ── Batch.Apply (Applier.Apply, i.e. tracegraph.Store.Apply: the rules)
//	      ── Result (one outcome per event, and their tracegraph.Tally)
//
// A translator that builds events itself (from an IPC-CFX message, an EPCIS
// document) skips the first two steps with Apply, or Batch.AddEvent, and
// gets the same checks, the same atomic semantics and the same Result.
// Every transport renders a Result; none counts outcomes on its own.
package ingest
