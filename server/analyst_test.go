package server_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The analysts' scenario (testdata/analyst.ndjson), with its known answers:
//
//	WaferBatch:W9 → MaterialLot:PMIC-L1 (TI TPS62840, ARROW, date code 2605, MY)
//	MaterialLot:PMIC-L2 (TPS62840, ARROW, 2611, MY), PMIC-L3 (TPS62840, AVNET, 2608, TW)
//	MaterialLot:CAP-A (Murata GRM188, DIGI, 2550, JP), CAP-B (GRM188, DIGI, 2601, JP)
//
//	board B1: PMIC-L3, CAP-A                  → in product P1 (in the house, BOX-11)
//	board B2: PMIC-L1, CAP-A, CAP-B CANDIDATE → in P2 (shipped in SHP-9 to GLOBEX)
//	board B3: PMIC-L2, CAP-B                  → in P3 (SHP-9, GLOBEX)
//	board B4: PMIC-L3, CAP-B                  → in P4 (SHP-10 to INITECH, 2026-04-05)
//	board B5: PMIC-L2 ORDER, CAP-B            (WIP, never assembled)
//	module M1: PMIC-L1, in P1 until rework removed it; module M2: PMIC-L3, in P1 since
//	reflow at REFLOW-2: B1, B2 at peakC 262; B3, B4, B5 at 247
//	FCT VCC_3V3 in [3.2, 3.4]: B1 3.21, B2 3.30, B3 3.395, B4 3.15 (fail);
//	firmware 3.1.0/c0ffee01 on B1, B2; 3.2.0/c0ffee02 on B3, B4
func startAnalyst(t *testing.T) *testServer {
	t.Helper()
	ts := start(t, nil)
	b, err := os.ReadFile(filepath.Join("testdata", "analyst.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	status, resp := ts.postEvents(t, b, "application/x-ndjson", "", "")
	if status != http.StatusOK || resp.Accepted != 49 {
		t.Fatalf("loading the analysts' scenario: status %d, %+v", status, resp)
	}
	return ts
}

// ids collects the node ids of a connection's edges.
type idEdges struct {
	Edges []struct {
		Precision string
		Node      struct{ ID string }
	}
}

func (c idEdges) ids() []string {
	out := []string{}
	for _, e := range c.Edges {
		out = append(out, e.Node.ID)
	}
	slices.Sort(out)
	return out
}

func units(s string) []string {
	var out []string
	for _, u := range strings.Fields(s) {
		out = append(out, "Unit:"+u)
	}
	slices.Sort(out)
	return out
}

// TestRecallKnownAnswers checks recallImpact's confirmed and possible units
// on the scenario, for each kind of suspect.
func TestRecallKnownAnswers(t *testing.T) {
	ts := startAnalyst(t)
	const q = `query($s: [ID!]!, $m: MaterialFilter, $h: Boolean, $asOf: DateTime) {
		recallImpact(suspects: $s, material: $m, history: $h, asOf: $asOf) {
			confirmed(first: 100) { edges { precision node { id } } }
			possible(first: 100) { edges { precision node { id } } } } }`
	tests := []struct {
		name                string
		vars                map[string]any
		confirmed, possible string
	}{
		{"a lot, now: the module swapped out in rework no longer makes P1 affected",
			map[string]any{"s": []string{"MaterialLot:PMIC-L1"}}, "B2 M1 P2", ""},
		{"a lot, with history: P1 held M1 once",
			map[string]any{"s": []string{"MaterialLot:PMIC-L1"}, "h": true}, "B2 M1 P1 P2", ""},
		{"a lot as of before the rework",
			map[string]any{"s": []string{"MaterialLot:PMIC-L1"}, "asOf": "2026-04-01T11:00:00Z"}, "B2 M1 P1 P2", ""},
		{"a wafer batch reaches through the lot derived from it",
			map[string]any{"s": []string{"WaferBatch:W9"}}, "B2 M1 P2", ""},
		{"a splice window: B2 is possible, not confirmed",
			map[string]any{"s": []string{"MaterialLot:CAP-B"}}, "B3 B4 B5 P3 P4", "B2 P2"},
		{"a unit as suspect: itself and its product",
			map[string]any{"s": []string{"Unit:B3"}}, "B3 P3", ""},
		{"an MPN with a date-code range; B5 knew PMIC-L2 per work order only",
			map[string]any{"s": []string{}, "m": map[string]any{"mpn": "TPS62840", "dateCodeFrom": "2606"}}, "B1 B3 B4 M2 P1 P3 P4", "B5"},
		{"a supplier with a date-code range",
			map[string]any{"s": []string{}, "m": map[string]any{"supplier": "ARROW", "dateCodeTo": "2610"}}, "B2 M1 P2", ""},
		{"suspects and material together",
			map[string]any{"s": []string{"Unit:B3"}, "m": map[string]any{"countryOfOrigin": "TW"}}, "B1 B3 B4 M2 P1 P3 P4", ""},
		{"material that matches nothing",
			map[string]any{"s": []string{}, "m": map[string]any{"supplier": "NOBODY"}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d struct {
				RecallImpact struct{ Confirmed, Possible idEdges }
			}
			ts.data(t, q, tt.vars, &d)
			if got, want := d.RecallImpact.Confirmed.ids(), units(tt.confirmed); !slices.Equal(got, want) {
				t.Errorf("confirmed = %v, want %v", got, want)
			}
			if got, want := d.RecallImpact.Possible.ids(), units(tt.possible); !slices.Equal(got, want) {
				t.Errorf("possible = %v, want %v", got, want)
			}
			for _, e := range d.RecallImpact.Confirmed.Edges {
				if e.Precision != "EXACT" {
					t.Errorf("confirmed %s has precision %s", e.Node.ID, e.Precision)
				}
			}
			for _, e := range d.RecallImpact.Possible.Edges {
				if e.Precision == "EXACT" {
					t.Errorf("possible %s has precision EXACT", e.Node.ID)
				}
			}
		})
	}
}

// TestAnalystKnownAnswers checks whereUsed, material, processUnits and
// testUnits on the scenario.
func TestAnalystKnownAnswers(t *testing.T) {
	ts := startAnalyst(t)
	tests := []struct {
		name  string
		query string
		want  string // the units, or the material
	}{
		{"where a supplier's material went", `{ r: whereUsed(material: {supplier: "DIGI"}) { units(first: 100) { edges { node { id } } } } }`,
			"B1 B2 B3 B4 B5 P1 P2 P3 P4"},
		{"where used, only what shipped from April 5", `{ r: whereUsed(material: {supplier: "DIGI"}, shippedFrom: "2026-04-05T00:00:00Z") { units { edges { node { id } } } } }`,
			"B4 P4"},
		{"where used, shipped before April 5", `{ r: whereUsed(material: {supplier: "DIGI"}, shippedTo: "2026-04-05T00:00:00Z") { units { edges { node { id } } } } }`,
			"B2 B3 P2 P3"},
		{"where a country of origin went", `{ r: whereUsed(material: {countryOfOrigin: "TW"}) { units { edges { node { id } } } } }`,
			"B1 B4 M2 P1 P4"},
		{"where a manufacturer's date codes went, with history", `{ r: whereUsed(material: {manufacturer: "TI", dateCodeFrom: "2601", dateCodeTo: "2606"}, history: true) { units { edges { node { id } } } } }`,
			"B2 M1 P1 P2"},
		{"a parameter outside its window", `{ r: processUnits(filter: {station: "REFLOW-2", parameter: "peakC", min: 235, max: 255}) { edges { node { id } } } }`,
			"B1 B2"},
		{"a recipe in a time window", `{ r: processUnits(filter: {recipe: "LF-260", from: "2026-04-01T07:31:00Z", to: "2026-04-01T08:00:00Z"}) { edges { node { id } } } }`,
			"B3 B4 B5"},
		{"a measurement within 5 % of a limit", `{ r: testUnits(filter: {testType: "fct", measurement: "VCC_3V3", withinPercent: 5}) { edges { node { id } } } }`,
			"B1 B3"},
		{"a measurement that failed", `{ r: testUnits(filter: {testType: "FCT", measurement: "VCC_3V3", failed: true}) { edges { node { id } } } }`,
			"B4"},
		{"a firmware version", `{ r: testUnits(filter: {firmwareVersion: "3.1.0"}) { edges { node { id } } } }`,
			"B1 B2"},
		{"a firmware checksum", `{ r: testUnits(filter: {firmwareChecksum: "c0ffee02"}) { edges { node { id } } } }`,
			"B3 B4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d struct {
				R struct {
					idEdges
					Units idEdges
				}
			}
			ts.data(t, tt.query, nil, &d)
			got := d.R.ids()
			if strings.Contains(tt.query, "units") {
				got = d.R.Units.ids()
			}
			if want := units(tt.want); !slices.Equal(got, want) {
				t.Errorf("units = %v, want %v", got, want)
			}
		})
	}
	t.Run("material", func(t *testing.T) {
		var d struct{ Material idEdges }
		ts.data(t, `{ material(filter: {mpn: "TPS62840", dateCodeFrom: "2606", dateCodeTo: "2611"}) { edges { node { id } } } }`, nil, &d)
		if got, want := d.Material.ids(), []string{"MaterialLot:PMIC-L2", "MaterialLot:PMIC-L3"}; !slices.Equal(got, want) {
			t.Errorf("material = %v, want %v", got, want)
		}
	})
}

// TestAnalystGolden checks representative answers of the analysts'
// questions against testdata/*.golden.
func TestAnalystGolden(t *testing.T) {
	ts := startAnalyst(t)
	tests := []struct {
		name  string
		query string
	}{
		{"recall-material", `{ recallImpact(suspects: [], material: {mpn: "TPS62840", dateCodeFrom: "2606"}) {
			suspects matchedMaterial { totalCount edges { node { id ... on MaterialLot { supplier dateCode } } } }
			confirmedCounts { total shipped inHouse scrapped } possibleCounts { total shipped inHouse scrapped }
			confirmed { totalCount edges { precision depth status onHold node { id partNumber } } }
			possible { totalCount edges { precision depth status onHold node { id partNumber } evidence { type precision source { id } target { id } validFrom validTo } } }
			products { node { id } confirmed possible } workOrders { node { id } confirmed possible }
			boxes { node { id } confirmed possible } pallets { node { id } confirmed possible }
			shipments { node { id } confirmed possible } customers { node { id } confirmed possible } } }`},
		{"recall-splice-evidence", `{ recallImpact(suspects: ["MaterialLot:CAP-B"]) {
			confirmedCounts { total shipped inHouse } possibleCounts { total shipped inHouse }
			possible { edges { precision depth node { id } evidence { type precision refDes event source { id } target { id } } } } } }`},
		{"recall-rework-history", `{ recallImpact(suspects: ["MaterialLot:PMIC-L1"], history: true) {
			confirmed { edges { depth status node { id } evidence { type precision validFrom validTo closedBy source { id } target { id } } } }
			products { node { id } confirmed possible } } }`},
		{"where-used", `{ whereUsed(material: {supplier: "DIGI"}) {
			materialCount confirmedCounts { total shipped inHouse scrapped } possibleCounts { total shipped inHouse scrapped }
			products { partNumber confirmed possible } productUnits
			workOrders { node { id } confirmed possible } customers { node { id } confirmed possible }
			units(first: 4) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor precision depth status node { id } } } } }`},
		{"where-used-shipped", `{ whereUsed(material: {partNumber: "CAP-10U"}, shippedFrom: "2026-04-03T00:00:00Z", shippedTo: "2026-04-04T00:00:00Z") {
			confirmedCounts { total shipped inHouse } possibleCounts { total shipped inHouse }
			products { partNumber confirmed possible } customers { node { id } confirmed possible }
			units { totalCount edges { precision node { id } } } } }`},
		{"process-units", `{ processUnits(filter: {station: "REFLOW-2", parameter: "peakC", min: 235, max: 255}) {
			totalCount pageInfo { hasNextPage } edges { cursor node { id status processSteps { station recipe parameters } } } } }`},
		{"test-units", `{ testUnits(filter: {testType: "FCT", measurement: "VCC_3V3", withinPercent: 5}) {
			totalCount edges { node { id tests { testType measurements { name value low high } firmware { version checksum } } } } } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.gql(t, tt.query, nil, "")
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %s", r.raw)
			}
			golden(t, tt.name, r.raw)
		})
	}
}

// TestWhereUsedPages walks whereUsed's units page by page.
func TestWhereUsedPages(t *testing.T) {
	ts := startAnalyst(t)
	var got []string
	var after any
	for page := 0; page < 10; page++ {
		var d struct {
			WhereUsed struct {
				Units struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
		ts.data(t, `query($a: String) { whereUsed(material: {supplier: "DIGI"}) { units(first: 2, after: $a) {
			totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`, map[string]any{"a": after}, &d)
		u := d.WhereUsed.Units
		if u.TotalCount != 9 {
			t.Fatalf("page %d: totalCount %d, want 9", page, u.TotalCount)
		}
		for _, e := range u.Edges {
			got = append(got, e.Node.ID)
		}
		if !u.PageInfo.HasNextPage {
			break
		}
		after = u.PageInfo.EndCursor
	}
	if want := units("B1 B2 B3 B4 B5 P1 P2 P3 P4"); !slices.Equal(got, want) {
		t.Errorf("units page by page = %v, want %v", got, want)
	}
}

// TestAnalystErrors checks the codes of bad analyst questions.
func TestAnalystErrors(t *testing.T) {
	ts := startAnalyst(t)
	tests := []struct{ name, query, code string }{
		{"recall without suspects or material", `{ recallImpact(suspects: []) { confirmedCounts { total } } }`, "INVALID"},
		{"a date code that is not YYWW", `{ recallImpact(suspects: [], material: {dateCodeFrom: "26-1"}) { confirmedCounts { total } } }`, "INVALID"},
		{"an empty material filter", `{ whereUsed(material: {}) { materialCount } }`, "INVALID"},
		{"two pages of one whereUsed", `{ whereUsed(material: {supplier: "DIGI"}) { a: units(first: 1) { totalCount } b: units(first: 2) { totalCount } } }`, "INVALID"},
		{"a process question without a station, recipe or step", `{ processUnits(filter: {parameter: "peakC", max: 1}) { totalCount } }`, "INVALID"},
		{"a percentage above 100", `{ testUnits(filter: {testType: "FCT", measurement: "VCC_3V3", withinPercent: 150}) { totalCount } }`, "INVALID"},
		{"a page too large", `{ testUnits(filter: {testType: "FCT"}, first: 20000) { totalCount } }`, "LIMIT"},
		{"evidence for too many units", `{ recallImpact(suspects: ["MaterialLot:CAP-B"]) { confirmed(first: 10000) { edges { evidence { source { id } target { id } } } } } }`, "LIMIT"},
		{"a containment id with a slash", `mutation { contain(suspects: ["MaterialLot:CAP-A"], reason: "x", containment: "a/b") { placed } }`, "INVALID"},
		{"releasing a containment never placed", `mutation { releaseContainment(containment: "C-nope", reason: "x") { released } }`, "NOT_FOUND"},
		{"containing a lot that does not exist", `mutation { contain(suspects: ["MaterialLot:NOPE"], reason: "x") { placed } }`, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.gql(t, tt.query, nil, "")
			if got := r.code(); got != tt.code {
				t.Errorf("code = %q, want %s; response %s", got, tt.code, r.raw)
			}
		})
	}
}

// shipEvent is a shipped event of items, as NDJSON.
func shipEvent(id, shipment string, items ...string) []byte {
	b, _ := json.Marshal(map[string]any{"id": id, "type": "shipped", "time": "2026-04-07T10:00:00Z",
		"data": map[string]any{"shipment": shipment, "customer": "GLOBEX", "items": items}})
	return b
}

// TestContainment contains a recall through GraphQL: the shipment of the
// box holding an affected product is refused (ON_HOLD) afterwards and
// accepted after the containment is released.
func TestContainment(t *testing.T) {
	ts := startAnalyst(t)
	const contain = `mutation { contain(suspects: ["MaterialLot:CAP-A"], reason: "supplier notice 42") {
		containment material units placed alreadyPlaced refused refusals { id } } }`
	var c struct {
		Contain struct {
			Containment                                     string
			Material, Units, Placed, AlreadyPlaced, Refused int
		}
	}
	ts.data(t, contain, nil, &c)
	// CAP-A went into B1 (in P1, in the house) and B2 (in P2, shipped).
	if got := c.Contain; got.Material != 1 || got.Units != 2 || got.Placed != 3 || got.AlreadyPlaced != 0 || got.Refused != 0 {
		t.Fatalf("contain = %+v, want 1 material, 2 units, 3 placed", got)
	}
	cid := c.Contain.Containment

	// Sent again: the same containment, nothing held twice.
	ts.data(t, contain, nil, &c)
	if got := c.Contain; got.Containment != cid || got.Placed != 0 || got.AlreadyPlaced != 3 {
		t.Fatalf("contain again = %+v, want containment %s, 0 placed, 3 already placed", got, cid)
	}
	var held struct{ Units idEdges }
	ts.data(t, `{ units(filter: {onHold: true}) { edges { node { id } } } }`, nil, &held)
	if got, want := held.Units.ids(), units("B1 P1"); !slices.Equal(got, want) {
		t.Fatalf("held units = %v, want %v", got, want)
	}
	var rc struct {
		RecallImpact struct {
			Confirmed struct{ Edges []struct{ OnHold bool } }
		}
	}
	ts.data(t, `{ recallImpact(suspects: ["MaterialLot:CAP-A"]) { confirmed { edges { onHold } } } }`, nil, &rc)
	nHeld := 0
	for _, e := range rc.RecallImpact.Confirmed.Edges {
		if e.OnHold {
			nHeld++
		}
	}
	if nHeld != 2 {
		t.Errorf("recall after contain: %d units on hold, want 2", nHeld)
	}

	// Shipping the box with P1 is refused.
	status, resp := ts.postEvents(t, shipEvent("ship-1", "SHP-11", "Box:BOX-11"), "application/x-ndjson", "", "")
	if status != http.StatusUnprocessableEntity || resp.Rejected != 1 || resp.Outcomes[0].Error == nil || resp.Outcomes[0].Error.Code != "ON_HOLD" {
		t.Fatalf("ship after contain: status %d, %+v; want 422 ON_HOLD", status, resp)
	}
	// The box is on hold: P1 in it is.
	type boxHolds struct {
		Node struct {
			OnHold bool
			Holds  []struct{ ID, Node, Source string }
		}
	}
	var box boxHolds
	const boxQuery = `{ node(id: "Box:BOX-11") { ... on Box { onHold holds { id node source } } } }`
	ts.data(t, boxQuery, nil, &box)
	if !box.Node.OnHold || !slices.ContainsFunc(box.Node.Holds, func(h struct{ ID, Node, Source string }) bool {
		return h.ID == cid && h.Node == "Unit:P1" && h.Source == "MaterialLot:CAP-A"
	}) {
		t.Errorf("Box:BOX-11 after contain = %+v, want on hold with %s on Unit:P1 from MaterialLot:CAP-A", box.Node, cid)
	}
	// Consuming the held lot is refused too.
	status, resp = ts.postEvents(t, []byte(`{"id":"use-1","type":"material.consumed","time":"2026-04-07T10:00:00Z","data":{"unit":"B5","lot":"CAP-A"}}`), "application/x-ndjson", "", "")
	if status != http.StatusUnprocessableEntity || resp.Outcomes[0].Error == nil || resp.Outcomes[0].Error.Code != "ON_HOLD" {
		t.Fatalf("consume after contain: status %d, %+v; want 422 ON_HOLD", status, resp)
	}

	var rel struct {
		ReleaseContainment struct {
			Released, AlreadyReleased, Kept, Refused int
		}
	}
	ts.data(t, `mutation($c: ID!) { releaseContainment(containment: $c, reason: "supplier withdrew the notice") {
		released alreadyReleased kept refused } }`, map[string]any{"c": cid}, &rel)
	if got := rel.ReleaseContainment; got.Released != 3 || got.Kept != 0 || got.Refused != 0 {
		t.Fatalf("releaseContainment = %+v, want 3 released", got)
	}
	ts.data(t, `mutation($c: ID!) { releaseContainment(containment: $c, reason: "again") { released alreadyReleased kept refused } }`, map[string]any{"c": cid}, &rel)
	if got := rel.ReleaseContainment; got.Released != 0 || got.AlreadyReleased != 3 {
		t.Fatalf("releaseContainment again = %+v, want 3 already released", got)
	}
	ts.data(t, `{ units(filter: {onHold: true}) { edges { node { id } } } }`, nil, &held)
	if got := held.Units.ids(); len(got) != 0 {
		t.Fatalf("held units after release = %v, want none", got)
	}
	box = boxHolds{}
	ts.data(t, boxQuery, nil, &box)
	if box.Node.OnHold || len(box.Node.Holds) != 0 {
		t.Errorf("Box:BOX-11 after release = %+v, want free", box.Node)
	}

	// Now the same shipment is accepted.
	status, resp = ts.postEvents(t, shipEvent("ship-1", "SHP-11", "Box:BOX-11"), "application/x-ndjson", "", "")
	if status != http.StatusOK || resp.Accepted != 1 {
		t.Fatalf("ship after release: status %d, %+v; want 200 accepted", status, resp)
	}
}

// TestContainmentHTTP contains and releases through POST
// /api/v1/containments, with a hold of someone else's on one target: the
// release lifts the containment's holds only, and the target stays on hold
// under the other hold, which the answer shows.
func TestContainmentHTTP(t *testing.T) {
	ts := startAnalyst(t)
	// A quality engineer holds P1 for a reason of their own.
	var h struct {
		PlaceHold struct{ Event struct{ ID string } }
	}
	ts.data(t, `mutation { placeHold(target: "Unit:P1", reason: "cosmetic inspection", hold: "ENG-1") { event { id } } }`, nil, &h)

	status, _, body := ts.do(t, http.MethodPost, "/api/v1/containments", "application/json", "",
		[]byte(`{"suspects":[],"material":{"mpn":"TPS62840","dateCodeFrom":"2606"},"reason":"TI PCN 2026-17","containment":"PCN-2026-17"}`))
	if status != http.StatusOK {
		t.Fatalf("POST /api/v1/containments: %d %s", status, body)
	}
	var c struct {
		Containment                      string
		Material, Units, Placed, Refused int
	}
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	// PMIC-L2 and PMIC-L3; in the house: B1, B5, M2, P1 (B3, B4, P3, P4 shipped).
	if c.Containment != "PCN-2026-17" || c.Material != 2 || c.Units != 4 || c.Placed != 6 || c.Refused != 0 {
		t.Fatalf("contain = %s, want PCN-2026-17 with 2 material, 4 units, 6 placed", body)
	}
	status, resp := ts.postEvents(t, shipEvent("ship-2", "SHP-12", "Unit:B5"), "application/x-ndjson", "", "")
	if status != http.StatusUnprocessableEntity || resp.Outcomes[0].Error.Code != "ON_HOLD" {
		t.Fatalf("ship B5 after contain: %d %+v, want ON_HOLD", status, resp)
	}

	status, _, body = ts.do(t, http.MethodPost, "/api/v1/containments/PCN-2026-17/release", "application/json", "", []byte(`{"reason":"PCN withdrawn"}`))
	if status != http.StatusOK {
		t.Fatalf("release: %d %s", status, body)
	}
	var r struct {
		Released, Kept int
		KeptTargets    []struct {
			Target string
			Holds  []struct{ ID, Source, Reason, Event, Node string }
		}
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	want := struct{ ID, Source, Reason, Event, Node string }{"ENG-1", "Unit:P1", "cosmetic inspection", h.PlaceHold.Event.ID, ""}
	if r.Released != 6 || r.Kept != 1 || len(r.KeptTargets) != 1 || r.KeptTargets[0].Target != "Unit:P1" ||
		len(r.KeptTargets[0].Holds) != 1 || r.KeptTargets[0].Holds[0] != want {
		t.Fatalf("release = %s, want 6 released and P1 kept by %+v", body, want)
	}
	status, resp = ts.postEvents(t, shipEvent("ship-2", "SHP-12", "Unit:B5"), "application/x-ndjson", "", "")
	if status != http.StatusOK {
		t.Fatalf("ship B5 after release: %d %+v", status, resp)
	}
	var d struct {
		Node struct {
			Holds []struct{ ID, Source, Node, Reason, Event string }
		}
	}
	ts.data(t, `{ node(id: "Unit:P1") { ... on Unit { holds { id source node reason event } } } }`, nil, &d)
	if len(d.Node.Holds) != 1 || d.Node.Holds[0].ID != "ENG-1" || d.Node.Holds[0].Event != h.PlaceHold.Event.ID || d.Node.Holds[0].Node != "Unit:P1" {
		t.Errorf("P1's holds after release = %+v, want the engineer's alone", d.Node.Holds)
	}
	var rh struct {
		ReleaseHold struct {
			Node struct{ OnHold bool }
		}
	}
	ts.data(t, `mutation { releaseHold(target: "Unit:P1", reason: "inspected", hold: "ENG-1") { node { ... on Unit { onHold } } } }`, nil, &rh)
	if rh.ReleaseHold.Node.OnHold {
		t.Errorf("releaseHold(ENG-1) left Unit:P1 on hold")
	}

	for _, tt := range []struct {
		path, body string
		status     int
	}{
		{"/api/v1/containments", `{"suspects":["MaterialLot:CAP-A"]}`, http.StatusBadRequest},
		{"/api/v1/containments", `{"suspects":["MaterialLot:CAP-A"],"reason":"x","extra":1}`, http.StatusBadRequest},
		{"/api/v1/containments/NOPE/release", `{"reason":"x"}`, http.StatusNotFound},
	} {
		if status, _, body := ts.do(t, http.MethodPost, tt.path, "application/json", "", []byte(tt.body)); status != tt.status {
			t.Errorf("POST %s %s: %d %s, want %d", tt.path, tt.body, status, body, tt.status)
		}
	}
}
