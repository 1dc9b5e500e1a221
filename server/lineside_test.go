package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// linesideEvents put SMT-1 of the scenario under setup TOP for 700-A and
// place PCBA-0010 on it, inside a splice of slot 1.
const linesideEvents = `{"id":"ls01","type":"lot.received","time":"2026-03-03T06:00:00Z","data":{"lot":"R-MCU-9","partNumber":"IC-MCU-32","msl":"3","openedAt":"2026-02-20T06:00:00Z"}}
{"id":"ls02","type":"unit.created","time":"2026-03-03T07:00:00Z","data":{"serial":"PCBA-0010","partNumber":"700-A"}}
{"id":"ls03","type":"setup.defined","time":"2026-03-03T07:00:00Z","data":{"setup":"TOP","station":"SMT-1","partNumber":"700-A","slots":[{"slot":"1","partNumber":"CAP-100N","refDes":["C1","C2"]},{"slot":"2","partNumber":"IC-MCU-32","refDes":["U1"]}]}}
{"id":"ls04","type":"setup.activated","time":"2026-03-03T07:01:00Z","data":{"station":"SMT-1","setup":"TOP"}}
{"id":"ls05","type":"feeder.loaded","time":"2026-03-03T07:02:00Z","data":{"station":"SMT-1","slot":"1","lot":"R-CAP-1"}}
{"id":"ls06","type":"feeder.loaded","time":"2026-03-03T07:02:00Z","data":{"station":"SMT-1","slot":"2","lot":"R-MCU-1"}}
{"id":"ls07","type":"feeder.spliced","time":"2026-03-03T07:05:00Z","data":{"station":"SMT-1","slot":"1","lot":"R-CAP-2"}}
{"id":"ls08","type":"unit.placed","time":"2026-03-03T07:06:00Z","data":{"unit":"PCBA-0010","station":"SMT-1"}}
{"id":"ls09","type":"route.defined","time":"2026-03-03T07:00:00Z","data":{"partNumber":"700-A","requires":["ICT","FCT"]}}
`

// TestLineSideErrorCodes: the interlocks come back with their own codes
// over REST (the outcome's error.code) and GraphQL (Problem.code).
func TestLineSideErrorCodes(t *testing.T) {
	ts := startScenario(t, nil)
	if status, resp := ts.postEvents(t, []byte(linesideEvents), "application/x-ndjson", "", ""); status != http.StatusOK || resp.Accepted != 9 {
		t.Fatalf("line-side events: status %d, %+v", status, resp)
	}
	rest := []struct{ name, event, code string }{
		{"wrong part", `{"id":"r1","type":"feeder.loaded","time":"2026-03-03T07:10:00Z","data":{"station":"SMT-1","slot":"1","lot":"R-MCU-1"}}`, "WRONG_PART"},
		{"past floor life", `{"id":"r2","type":"feeder.loaded","time":"2026-03-03T07:10:00Z","data":{"station":"SMT-1","slot":"2","lot":"R-MCU-9"}}`, "EXPIRED"},
		{"route incomplete", `{"id":"r3","type":"packed","time":"2026-03-03T07:10:00Z","data":{"container":"BOX-9","items":["PCBA-0010"]}}`, "ROUTE"},
	}
	for _, tt := range rest {
		t.Run("REST "+tt.name, func(t *testing.T) {
			status, resp := ts.postEvents(t, []byte(tt.event), "application/x-ndjson", "", "")
			if status != http.StatusUnprocessableEntity || len(resp.Outcomes) != 1 || resp.Outcomes[0].Error == nil || string(resp.Outcomes[0].Error.Code) != tt.code {
				t.Fatalf("POST %s: status %d, %+v; want 422 with %s", tt.name, status, resp, tt.code)
			}
		})
		t.Run("GraphQL "+tt.name, func(t *testing.T) {
			var ev map[string]any
			if err := json.Unmarshal([]byte(tt.event), &ev); err != nil {
				t.Fatal(err)
			}
			ev["id"] = ev["id"].(string) + "-g"
			r := ts.gql(t, `mutation($e: [EventInput!]!) { ingest(events: $e) { rejected outcomes { error { code field } } } }`, map[string]any{"e": []any{ev}}, "")
			if got := firstOutcomeCode(t, r); got != tt.code {
				t.Fatalf("ingest %s: code %q, want %s; %s", tt.name, got, tt.code, r.raw)
			}
		})
	}
}

// TestLineSideGraphQL: derived consumptions show their slot, deriving event
// and splice window; stations their setup and feeders; routes their tests.
func TestLineSideGraphQL(t *testing.T) {
	ts := startScenario(t, nil)
	if status, resp := ts.postEvents(t, []byte(linesideEvents), "application/x-ndjson", "", ""); status != http.StatusOK || resp.Accepted != 9 {
		t.Fatalf("line-side events: status %d, %+v", status, resp)
	}
	var d struct {
		Unit struct {
			Consumed []struct {
				Lot        struct{ ID string }
				Precision  string
				RefDes     []string
				Slot       *string
				DerivedBy  *string
				WindowFrom *string
				WindowTo   *string
				Edge       struct {
					Event      string
					Slot       *string
					DerivedBy  *string
					WindowFrom *string
				}
			}
		}
		Station struct {
			ActiveSetup *string
			Feeders     map[string]any
		}
		Route struct {
			Requires  []string
			DefinedBy string
		}
	}
	ts.data(t, `{
  unit: node(id: "Unit:PCBA-0010") { ... on Unit { consumed { lot { id } precision refDes slot derivedBy windowFrom windowTo
    edge { event slot derivedBy windowFrom } } } }
  station: node(id: "Station:SMT-1") { ... on Station { activeSetup feeders } }
  route: node(id: "Route:700-A") { ... on Route { requires definedBy } }
}`, nil, &d)
	var got []string
	for _, c := range d.Unit.Consumed {
		if c.Slot == nil || c.DerivedBy == nil || *c.DerivedBy != "ls08" || c.Edge.Event != "ls08" || c.Edge.DerivedBy == nil || *c.Edge.Slot != *c.Slot {
			t.Errorf("consumption %+v: want slot, derivedBy ls08 on it and its edge", c)
			continue
		}
		line := c.Lot.ID + " " + c.Precision + " slot " + *c.Slot + " " + strings.Join(c.RefDes, ",")
		if c.WindowFrom != nil {
			line += " window from " + *c.WindowFrom
			if c.Edge.WindowFrom == nil || *c.Edge.WindowFrom != *c.WindowFrom || c.WindowTo != nil {
				t.Errorf("consumption %+v: want the window on the edge too, open", c)
			}
		}
		got = append(got, line)
	}
	want := []string{
		"MaterialLot:R-CAP-1 CANDIDATE slot 1 C1,C2 window from 2026-03-03T07:05:00Z",
		"MaterialLot:R-CAP-2 CANDIDATE slot 1 C1,C2 window from 2026-03-03T07:05:00Z",
		"MaterialLot:R-MCU-1 EXACT slot 2 U1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("consumed of PCBA-0010 =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.Station.ActiveSetup == nil || *d.Station.ActiveSetup != "TOP" || len(d.Station.Feeders) != 2 {
		t.Errorf("Station:SMT-1 = %+v, want activeSetup TOP and two feeder slots", d.Station)
	}
	if strings.Join(d.Route.Requires, ",") != "ICT,FCT" || d.Route.DefinedBy != "ls09" {
		t.Errorf("Route:700-A = %+v, want requires ICT,FCT defined by ls09", d.Route)
	}
}
