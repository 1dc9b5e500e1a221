// Package tracegraph is the domain of a serial-number traceability service for
// electronics manufacturing: the genealogy graph of units, components, material
// lots, wafer batches, boxes, pallets and shipments, the events that build it,
// and the rules every store enforces.
//
// The package imports only the standard library. Stores (embedded/, cypher/)
// implement the interfaces in store.go; both apply events through the one
// projection in project.go (the dispatcher) and project_*.go (one file per
// family of rules), so the rules exist once.
//
// The shape of the graph and the events is the published contract
// (docs/events.md): edges point from the thing that is made or holds to what it is
// made of or holds. Upstream means following edges forward, downstream means
// following them backward.
package tracegraph
