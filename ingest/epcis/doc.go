// Package epcis maps GS1 EPCIS 2.0 (JSON-LD) to tracegraph events and
// back: Capture reads an EPCISDocument, checked against GS1's JSON Schema
// (EPCIS-JSON-Schema.json, vendored), into native event envelopes that go
// through the same decoding and rules as any other event; Render writes a
// recorded event, however it came in, as an EPCIS 2.0 event. docs/epcis.md
// has the mapping both ways.
//
// The mapping is pure: Capture and Render take bytes and events and return
// bytes and events. Commissioning what a document names but tracegraph has
// not seen (Implicit) asks the store, through a lookup function.
package epcis
