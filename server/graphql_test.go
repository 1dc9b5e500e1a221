package server_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestGraphQLGolden checks representative answers against testdata/*.golden.
func TestGraphQLGolden(t *testing.T) {
	ts := startScenario(t, nil)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"lookup-imei", `query($code: String!) { lookup(code: $code) { __typename id ... on Unit {
			serial partNumber revision status customer shipment identifiers { scheme value } } } }`,
			map[string]any{"code": "356938035643809"}},
		{"lookup-sscc", `query($code: String!) { lookup(code: $code) { __typename id ... on Pallet { sscc createdAt
			contents { node { id } validFrom } container { node { id ... on Shipment { destination shippedAt customer { id customer } } } }
			explode { id } } } }`,
			map[string]any{"code": "004012345000000425"}},
		{"unit-details", `query($id: ID!) { node(id: $id) { id ... on Unit {
			serial partNumber revision workOrder kind origin status createdAt completedAt shippedAt
			identifiers { scheme value } onHold holds { id }
			tests { id testType result program fixture station operator at measurements { name value unit low high result } firmware { version checksum } unit { id } }
			processSteps { id step recipe parameters result station operator at unitCount units { id } }
			consumed { lot { id lot partNumber mpn supplier quantity countryOfOrigin derivedFrom { id } } precision refDes quantity station validFrom validTo
				edge { type precision source { id } target { id } event } }
			children { node { __typename id ... on Component { serial partNumber manufacturer lot parent { node { id } } } } position validFrom validTo }
			parent { node { id ... on Unit { serial container { node { id ... on Box { container { node { id } } } } } } } position }
			container { node { id } }
			events { id seq type time station operator data } } } }`,
			map[string]any{"id": "Unit:PCBA-0001"}},
		{"trace-upstream", `query($id: ID!) { trace(from: [$id], direction: UPSTREAM, edgeTypes: [CONTAINS, CONSUMED, DERIVED_FROM]) {
			truncated nodes { totalCount pageInfo { hasNextPage hasPreviousPage }
				edges { depth precision direction node { __typename id ... on MaterialLot { partNumber } ... on Unit { partNumber } } } }
			edges { type precision source { id } target { id } validFrom validTo refDes position event } } }`,
			map[string]any{"id": "Unit:PROD-0002"}},
		{"trace-downstream-min-precision", `{ trace(from: ["MaterialLot:R-CAP-1"], direction: DOWNSTREAM, minPrecision: EXACT) {
			truncated nodes { totalCount edges { depth precision node { id } } } } }`, nil},
		{"recall-wafer", `query($s: [ID!]!) { recallImpact(suspects: $s) {
			suspects confirmedCounts { total shipped inHouse scrapped } possibleCounts { total shipped inHouse scrapped }
			confirmed(first: 10) { totalCount edges { precision depth status onHold node { id partNumber kind } } }
			possible { totalCount edges { precision node { id } } }
			products { node { id } confirmed possible } workOrders { node { id } confirmed possible }
			boxes { node { id } confirmed possible } pallets { node { id } confirmed possible }
			shipments { node { id } confirmed possible } customers { node { id } confirmed possible } } }`,
			map[string]any{"s": []string{"WaferBatch:W1"}}},
		{"recall-candidate", `{ recallImpact(suspects: ["MaterialLot:R-CAP-2"]) {
			confirmedCounts { total inHouse shipped } possibleCounts { total inHouse shipped }
			confirmed { edges { precision node { id } } } possible { edges { precision node { id } } } } }`, nil},
		{"units-filter", `{ units(filter: {partNumber: "900-A", status: "SHIPPED"}) { totalCount
			pageInfo { hasNextPage } edges { node { serial status completedAt shippedAt container { node { id } } } } } }`, nil},
		{"stats", `{ stats { events nodes edges } }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.gql(t, tt.query, tt.vars, "")
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %s", r.raw)
			}
			golden(t, tt.name, r.raw)
		})
	}
}

// TestPagination walks the Relay connections page by page and checks that
// the pages add up to the whole answer, without repeats.
func TestPagination(t *testing.T) {
	ts := startScenario(t, nil)

	type pageInfo struct {
		HasNextPage, HasPreviousPage bool
		EndCursor                    *string
	}
	t.Run("units", func(t *testing.T) {
		var all struct {
			Units struct {
				TotalCount int
				Edges      []struct{ Node struct{ Serial string } }
			}
		}
		ts.data(t, `{ units(first: 100) { totalCount edges { node { serial } } } }`, nil, &all)
		var want []string
		for _, e := range all.Units.Edges {
			want = append(want, e.Node.Serial)
		}
		if all.Units.TotalCount != 6 || len(want) != 6 {
			t.Fatalf("units: totalCount %d, %d units; want 6", all.Units.TotalCount, len(want))
		}
		var got []string
		var after any
		for page := 0; ; page++ {
			var d struct {
				Units struct {
					TotalCount int
					PageInfo   pageInfo
					Edges      []struct {
						Cursor string
						Node   struct{ Serial string }
					}
				}
			}
			ts.data(t, `query($after: String) { units(first: 4, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { serial } } } }`,
				map[string]any{"after": after}, &d)
			if d.Units.TotalCount != 6 {
				t.Errorf("page %d: totalCount %d, want 6", page, d.Units.TotalCount)
			}
			if d.Units.PageInfo.HasPreviousPage != (page > 0) {
				t.Errorf("page %d: hasPreviousPage %v", page, d.Units.PageInfo.HasPreviousPage)
			}
			for _, e := range d.Units.Edges {
				got = append(got, e.Node.Serial)
			}
			if !d.Units.PageInfo.HasNextPage {
				break
			}
			if page > 5 {
				t.Fatal("units: too many pages")
			}
			after = *d.Units.PageInfo.EndCursor
		}
		if !slices.Equal(got, want) {
			t.Errorf("units page by page = %v, want %v", got, want)
		}
	})

	t.Run("trace", func(t *testing.T) {
		const q = `query($after: String, $first: Int) { trace(from: ["Unit:PROD-0001"], direction: UPSTREAM, first: $first, after: $after) {
			nodes { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor depth node { id } } }
			edges { source { id } target { id } type } } }`
		type traceData struct {
			Trace struct {
				Nodes struct {
					TotalCount int
					PageInfo   pageInfo
					Edges      []struct {
						Cursor string
						Depth  int
						Node   struct{ ID string }
					}
				}
				Edges []struct {
					Type   string
					Source struct{ ID string }
					Target struct{ ID string }
				}
			}
		}
		var all traceData
		ts.data(t, q, map[string]any{"first": 1000}, &all)
		var wantNodes, wantEdges []string
		for _, e := range all.Trace.Nodes.Edges {
			wantNodes = append(wantNodes, e.Node.ID)
		}
		for _, e := range all.Trace.Edges {
			wantEdges = append(wantEdges, e.Source.ID+" "+e.Type+" "+e.Target.ID)
		}
		if len(wantNodes) < 10 || all.Trace.Nodes.TotalCount != len(wantNodes) {
			t.Fatalf("trace: %d nodes, totalCount %d", len(wantNodes), all.Trace.Nodes.TotalCount)
		}
		var gotNodes, gotEdges []string
		var after any
		for page := 0; page < 20; page++ {
			var d traceData
			ts.data(t, q, map[string]any{"first": 4, "after": after}, &d)
			if n := len(d.Trace.Nodes.Edges); n > 4 {
				t.Fatalf("page %d has %d nodes, want at most 4", page, n)
			}
			for _, e := range d.Trace.Nodes.Edges {
				gotNodes = append(gotNodes, e.Node.ID)
			}
			for _, e := range d.Trace.Edges {
				gotEdges = append(gotEdges, e.Source.ID+" "+e.Type+" "+e.Target.ID)
			}
			if !d.Trace.Nodes.PageInfo.HasNextPage {
				break
			}
			after = *d.Trace.Nodes.PageInfo.EndCursor
		}
		if !slices.Equal(gotNodes, wantNodes) {
			t.Errorf("trace nodes page by page = %v, want %v", gotNodes, wantNodes)
		}
		slices.Sort(gotEdges)
		slices.Sort(wantEdges)
		if !slices.Equal(gotEdges, wantEdges) {
			t.Errorf("trace edges page by page = %v, want each of %v once", gotEdges, wantEdges)
		}
	})

	t.Run("recall", func(t *testing.T) {
		var d struct {
			RecallImpact struct {
				Confirmed struct {
					TotalCount int
					PageInfo   pageInfo
					Edges      []struct{ Node struct{ ID string } }
				}
			}
		}
		ts.data(t, `{ recallImpact(suspects: ["WaferBatch:W1"]) { confirmed(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`, nil, &d)
		c := d.RecallImpact.Confirmed
		if c.TotalCount != 4 || len(c.Edges) != 3 || !c.PageInfo.HasNextPage {
			t.Fatalf("first page: totalCount %d, %d units, hasNextPage %v; want 4, 3, true", c.TotalCount, len(c.Edges), c.PageInfo.HasNextPage)
		}
		ts.data(t, `query($a: String) { recallImpact(suspects: ["WaferBatch:W1"]) { confirmed(first: 3, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`,
			map[string]any{"a": *c.PageInfo.EndCursor}, &d)
		c2 := d.RecallImpact.Confirmed
		if len(c2.Edges) != 1 || c2.PageInfo.HasNextPage {
			t.Fatalf("second page: %d units, hasNextPage %v; want 1, false", len(c2.Edges), c2.PageInfo.HasNextPage)
		}
	})
}

// TestErrorCodes checks that each kind of failure comes back with its code.
func TestErrorCodes(t *testing.T) {
	ts := startScenario(t, nil)
	// Put the lot R-CAP-2 on hold: PCBA-0003 and PROD-0003 (in the house) are held with it.
	var held struct {
		PlaceHold struct {
			Event struct{ Type string }
			Node  struct{ OnHold bool }
		}
	}
	ts.data(t, `mutation { placeHold(target: "MaterialLot:R-CAP-2", reason: "supplier notice 17") { event { type } node { ... on MaterialLot { onHold } } } }`, nil, &held)
	if held.PlaceHold.Event.Type != "hold.placed" || !held.PlaceHold.Node.OnHold {
		t.Fatalf("placeHold = %+v", held.PlaceHold)
	}
	deep := "{ units(first: 1) { edges { node { " + strings.Repeat("parent { node { ... on Unit { ", 8) + "id" + strings.Repeat(" } } }", 8) + " } } } }"

	tests := []struct {
		name     string
		query    string
		vars     map[string]any
		wantCode string
		// outcome: the code is that of the first outcome of an ingest mutation.
		outcome bool
	}{
		{"trace from a unit that does not exist", `{ trace(from: ["Unit:NOPE"], direction: UPSTREAM) { truncated } }`, nil, "NOT_FOUND", false},
		{"release a hold on a node that does not exist", `mutation { releaseHold(target: "Unit:NOPE", reason: "x", all: true) { event { id } } }`, nil, "NOT_FOUND", false},
		{"recall from a lot that does not exist", `{ recallImpact(suspects: ["MaterialLot:NOPE"]) { confirmedCounts { total } } }`, nil, "NOT_FOUND", false},
		{"malformed global ID", `{ node(id: "SN1") { id } }`, nil, "INVALID", false},
		{"unknown label", `{ node(id: "Widget:1") { id } }`, nil, "INVALID", false},
		{"DateTime that is not RFC 3339", `{ trace(from: ["Unit:PROD-0001"], direction: UPSTREAM, asOf: "yesterday") { truncated } }`, nil, "INVALID", false},
		{"unknown unit status", `{ units(filter: {status: "BROKEN"}) { totalCount } }`, nil, "INVALID", false},
		{"bad cursor", `{ units(after: "garbage") { totalCount } }`, nil, "INVALID", false},
		{"syntax error", `{ units( }`, nil, "INVALID", false},
		{"unknown field", `{ units { nope } }`, nil, "INVALID", false},
		{"event without data", `mutation { ingest(events: [{id: "x1", type: "unit.created", time: "2026-03-03T08:00:00Z", data: {}}]) { rejected outcomes { error { code } } } }`, nil, "INVALID", true},
		{"release naming no hold", `mutation { releaseHold(target: "MaterialLot:R-CAP-2", reason: "x") { event { id } } }`, nil, "INVALID", false},
		{"release a hold the node does not carry", `mutation { releaseHold(target: "MaterialLot:R-CAP-2", reason: "x", hold: "NOPE") { event { id } } }`, nil, "CONFLICT", false},
		{"release a hold on a node that is not held", `mutation { releaseHold(target: "Unit:PROD-0001", reason: "x", all: true) { event { id } } }`, nil, "CONFLICT", false},
		{"a second unit with the same serial", `mutation { ingest(events: [{id: "x2", type: "unit.created", time: "2026-03-03T08:00:00Z", data: {serial: "PROD-0001", partNumber: "900-A"}}]) { outcomes { error { code } } } }`, nil, "CONFLICT", true},
		{"consume material on hold", `mutation { ingest(events: [
			{id: "x3", type: "unit.created", time: "2026-03-03T08:00:00Z", data: {serial: "PCBA-0009", partNumber: "700-A"}},
			{id: "x4", type: "material.consumed", time: "2026-03-03T08:01:00Z", data: {unit: "PCBA-0009", lot: "R-CAP-2"}}]) { outcomes { status error { code } } } }`, nil, "ON_HOLD", true},
		{"ship a product holding held material", `mutation { ingest(events: [{id: "x5", type: "shipped", time: "2026-03-03T08:00:00Z",
			data: {shipment: "SHP-9", customer: "ACME", items: ["PROD-0003"]}}]) { outcomes { error { code } } } }`, nil, "ON_HOLD", true},
		{"page larger than the maximum", `{ units(first: 20000) { totalCount } }`, nil, "LIMIT", false},
		{"query nested too deep", deep, nil, "LIMIT", false},
		{"query too costly", `{ units(first: 10000) { edges { node { consumed { lot { derivedFrom { id } } } tests { measurements { name } } } } } }`, nil, "LIMIT", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.gql(t, tt.query, tt.vars, "")
			got := r.code()
			if tt.outcome {
				got = firstOutcomeCode(t, r)
			} else if len(r.Errors) > 0 && r.Errors[0].Message == "" {
				t.Errorf("error without a message: %s", r.raw)
			}
			if got != tt.wantCode {
				t.Errorf("code = %q, want %s; response %s", got, tt.wantCode, r.raw)
			}
			if strings.Contains(string(r.raw), "/tmp") || strings.Contains(string(r.raw), "pebble") {
				t.Errorf("the answer leaks internals: %s", r.raw)
			}
		})
	}
}

// firstOutcomeCode returns the code of the first refused outcome of an ingest.
func firstOutcomeCode(t *testing.T, r *gqlResponse) string {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("ingest failed: %s", r.raw)
	}
	var d struct {
		Ingest struct {
			Outcomes []struct{ Error *struct{ Code string } }
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	for _, o := range d.Ingest.Outcomes {
		if o.Error != nil {
			return o.Error.Code
		}
	}
	return ""
}

// TestIngestMutation records events through GraphQL and reads them back.
func TestIngestMutation(t *testing.T) {
	ts := startScenario(t, nil)
	const m = `mutation($events: [EventInput!]!) { ingest(events: $events) { accepted duplicates rejected outcomes { index id status seq error { code field } } } }`
	events := []map[string]any{
		{"id": "g1", "type": "unit.created", "time": "2026-03-03T08:00:00Z", "station": "SMT-2", "data": map[string]any{"serial": "PCBA-0100", "partNumber": "700-A", "identifiers": map[string]string{"MAC": "0A:00:00:00:01:00"}}},
		{"id": "g2", "type": "test.recorded", "time": "2026-03-03T08:10:00Z", "data": map[string]any{"unit": "PCBA-0100", "testType": "AOI", "result": "pass"}},
	}
	for i, want := range []string{`{"accepted":2,"duplicates":0,"rejected":0,"outcomes":[{"index":0,"id":"g1","status":"accepted","seq":35,"error":null},{"index":1,"id":"g2","status":"accepted","seq":36,"error":null}]}`,
		`{"accepted":0,"duplicates":2,"rejected":0,"outcomes":[{"index":0,"id":"g1","status":"duplicate","seq":35,"error":null},{"index":1,"id":"g2","status":"duplicate","seq":36,"error":null}]}`} {
		var d struct{ Ingest json.RawMessage }
		ts.data(t, m, map[string]any{"events": events}, &d)
		if string(d.Ingest) != want {
			t.Errorf("ingest #%d = %s, want %s", i+1, d.Ingest, want)
		}
	}
	var d struct {
		Lookup []struct {
			ID    string
			Tests []struct{ TestType string }
		}
	}
	ts.data(t, `{ lookup(code: "0A:00:00:00:01:00") { id ... on Unit { tests { testType } } } }`, nil, &d)
	if fmt.Sprint(d.Lookup) != "[{Unit:PCBA-0100 [{AOI}]}]" {
		t.Errorf("lookup after ingest = %v", d.Lookup)
	}
}
