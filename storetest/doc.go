// Package storetest is the conformance suite every tracegraph.Store must pass.
//
// A backend runs it with one call from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) tracegraph.Store {
//			s, err := embedded.Open(t.TempDir(), embedded.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Every scenario opens a fresh, empty store, applies a small fixture of events
// with fixed times and checks exact answers: the refusals of every rule of
// docs/events.md (with the code and the field named, and nothing changed after),
// idempotency and atomic batches, rework, unpacking and repacking, splice
// windows and best-path precision, holds and their propagation, hold ids
// (a release lifts the hold it names, other holds stay in force; a
// containment's release lifts its own holds only), the holds within a box or
// pallet, asOf against history, deep chains, fan-out to thousands of units,
// lookup of every kind of code (identifiers in any typed form), explode, the event log and its hash chain, unit listing, recall
// impact, voiding, and concurrent writers; and the analysts' questions:
// material by receipt properties and date codes, recall by material,
// streamed recall units (exactly RecallImpact's, with a receiver that reads
// and writes the store), evidence paths (precision before hops, rework now
// and in history), where-used by each property and shipped between two
// moments, process parameters outside a window, measurements near their
// limits, and firmware.
//
// Fixtures are written as lines of text, one event per line (see
// ParseEvents):
//
//	# minute  id        type                data
//	0         mk-p1     unit.created        {"serial":"P1","partNumber":"PRD-100"}
//	3         p1-a1     unit.assembled      {"parent":"P1","child":"A1"}
//
// The minute counts from Base; events are decoded with tracegraph.DecodeEvent,
// exactly as a client's JSON would be.
//
// The package's own test runs the suite against a plain in-memory store built
// on tracegraph.ProjectBatch, so that the suite is checked against the shared
// rules before any backend runs it.
package storetest
