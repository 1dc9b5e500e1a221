package server_test

import (
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/bench"
)

// TestFastGraphQLRecordPath: the fast executor's record path (a trace
// page's nodes written from the store's properties, graph's
// fastexec_records.go) answers byte for byte as gqlgen does, over every
// field it writes, aliases, fields repeated and merged, fragments on the
// types and on Node, two node fields on one edge, pages, held nodes,
// escaped strings and a fragment merged differently in two places, each
// twice (the second time with the node shapes cached); a page with a field
// it does not write goes the resolver way. Each case checks which way the
// page went: the record path must serve the cases marked so, on either
// store (both implement PropsReader).
func TestFastGraphQLRecordPath(t *testing.T) {
	p := newOddFastPair(t, "MaterialLot:R-CAP-1")
	const recordFields = `__typename id
		... on Unit { serial partNumber revision workOrder kind origin status createdAt completedAt shippedAt scrappedAt shipment customer }
		... on Component { serial partNumber mpn manufacturer supplier dateCode clot: lot receivedAt cstatus: status }
		... on MaterialLot { lot partNumber mpn manufacturer supplier dateCode quantity countryOfOrigin expiresAt msl floorLifeHours floorSince bakedAt receivedAt }
		... on WaferBatch { waferBatch manufacturer fab waferCount registeredAt }
		... on Box { sscc createdAt }
		... on Pallet { sscc createdAt }
		... on Shipment { sname: shipment destination shippedAt }
		... on Customer { cname: customer }
		... on TestRun { testType result program fixture station operator at }
		... on ProcessStep { step recipe presult: result station operator at unitCount }
		... on WorkOrder { wo: workOrder wpn: partNumber }
		... on Supplier { sup: supplier }
		... on Station { stn: station }
		... on Product { ppn: partNumber gtin name description revision definedAt definedBy }`
	tests := []struct {
		name    string
		query   string
		vars    map[string]any
		records bool // the record path serves the page (on the embedded store)
	}{
		{"README genealogy", bench.GenealogyQuery, map[string]any{"id": "Unit:PROD-0001"}, true},
		{"every field it writes, both ways", `{ trace(from: ["Unit:PCBA-0002"], direction: BOTH) { nodes { totalCount
			edges { cursor depth precision direction node { ` + recordFields + ` } } } } }`, nil, true},
		{"downstream from a wafer, with history", `{ trace(from: ["WaferBatch:W1"], direction: DOWNSTREAM, history: true) {
			nodes { edges { depth node { ` + recordFields + ` } } } } }`, nil, true},
		{"an escaped lot, held lots", `{ trace(from: ["MaterialLot:ODD-1"], direction: BOTH) { nodes { edges { node { ` + recordFields + ` } } } } }`, nil, true},
		{"only ids", `{ trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { nodes { edges { node { id __typename } } } } }`, nil, true},
		{"aliases, repeats, fragments on Node", `query Q($id: ID!) { trace(from: [$id], direction: UPSTREAM) { nodes { edges { node {
			t: __typename ... on Node { id i2: id } ...U ...U ... on Unit { s: status s2: status status } ... on Component { x: serial } ... on MaterialLot { x: lot } } } } } }
			fragment U on Unit { serial ... on Node { id } }`, map[string]any{"id": "Unit:PROD-0001"}, true},
		{"two node fields on an edge", `{ trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { nodes { edges {
			a: node { id } depth b: node { ... on Unit { serial status } ... on TestRun { result } } } } } }`, nil, true},
		{"skip and include", `query($yes: Boolean!) { trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { nodes { edges { node {
			id @skip(if: $yes) ... on Unit @include(if: $yes) { serial partNumber @skip(if: $yes) } } } } } }`, map[string]any{"yes": true}, true},
		{"a page", `query($after: String) { trace(from: ["Unit:PROD-0002"], direction: UPSTREAM, first: 3, after: $after) {
			nodes { pageInfo { endCursor } edges { cursor node { ` + recordFields + ` } } } } }`, map[string]any{"after": "bzox"}, true},
		{"two traces", `{ a: trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { nodes { edges { node { id ... on Unit { status } } } } }
			b: trace(from: ["Unit:PROD-0002"], direction: UPSTREAM, maxDepth: 2) { nodes { edges { node { ... on Unit { status } ... on Component { dateCode } } } } } }`, nil, true},
		{"one fragment merged differently in two places", `query($a: ID!, $b: ID!) {
			x: trace(from: [$a], direction: UPSTREAM) { nodes { edges { ...E } } }
			y: trace(from: [$b], direction: UPSTREAM) { nodes { edges { ...E node { ... on Unit { status } ... on Component { dateCode } } } } } }
			fragment E on TraceNodeEdge { depth node { __typename id ... on Unit { serial } } }`, map[string]any{"a": "Unit:PROD-0001", "b": "Unit:PROD-0002"}, true},
		{"the same document, other variables", `query($a: ID!, $b: ID!) {
			x: trace(from: [$a], direction: UPSTREAM) { nodes { edges { ...E } } }
			y: trace(from: [$b], direction: UPSTREAM) { nodes { edges { ...E node { ... on Unit { status } ... on Component { dateCode } } } } } }
			fragment E on TraceNodeEdge { depth node { __typename id ... on Unit { serial } } }`, map[string]any{"a": "WaferBatch:W1", "b": "Unit:PCBA-0003"}, true},
		{"every edge field, aliased and repeated", `{ trace(from: ["Unit:PROD-0001"], direction: UPSTREAM, first: 40) { nodes { edges {
			t: __typename __typename d: depth depth c: cursor p: precision direction n: node { id } precision ... on TraceNodeEdge { depth node { __typename } } } } } }`, nil, true},
		{"a field it does not write, on a type not on the page", `{ trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { nodes { edges { node {
			id ... on Unit { status } ... on Route { requires } ... on Station { lastReadings } } } } } }`, nil, true},
		{"a hold field: the resolver way", `{ trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { nodes { edges { node { id ... on MaterialLot { partNumber onHold } } } } } }`, nil, false},
		{"a JSON field: the resolver way", `{ trace(from: ["Unit:PCBA-0001"], direction: UPSTREAM) { nodes { edges { node { ... on ProcessStep { step parameters } } } } } }`, nil, false},
		{"a relation: gqlgen", `{ trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { nodes { edges { node { ... on Unit { serial tests { id } } } } } } }`, nil, false},
	}
	// Each request twice: the second time the record path takes its node
	// shapes from its cache (documents without directives).
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 {
				before := p.fast.RecordPages()
				_, body := p.compare(t, tt.query, tt.vars)
				records := p.fast.RecordPages() > before
				if want := tt.records; records != want {
					t.Errorf("written by the record path: %v, want %v (%.300s)", records, want, body)
				}
				if strings.Contains(body, `"errors"`) {
					t.Errorf("an answer that proves little: %.500s", body)
				}
			}
		})
	}
}
