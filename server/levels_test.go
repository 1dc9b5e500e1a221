package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// startLevels starts a server over the level report's scenario
// (storetest.LevelFixture).
func startLevels(t *testing.T) *testServer {
	t.Helper()
	ts := start(t, nil)
	evs, err := storetest.ParseEvents(storetest.LevelFixture)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := ts.Store.Apply(context.Background(), evs, tracegraph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tl := tracegraph.CountOutcomes(outs); tl.Accepted != len(evs) {
		t.Fatalf("loading the level scenario: %+v", tl)
	}
	return ts
}

// TestLevelReportHTTP: the level report as CSV (byte for byte), as JSON
// (the GraphQL shape) and through GraphQL, and its bad questions.
func TestLevelReportHTTP(t *testing.T) {
	ts := startLevels(t)

	resp, body := ts.get(t, "/api/v1/reports/traceability-level?partNumber=L3&format=csv")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="traceability-level-20260305T120000Z.csv"`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	goldenText(t, "level-L3.csv", body)

	resp, body = ts.get(t, "/api/v1/reports/traceability-level?unit=Unit:E1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("JSON: status %d: %s", resp.StatusCode, body)
	}
	var rest map[string]any
	if err := json.Unmarshal(body, &rest); err != nil {
		t.Fatal(err)
	}
	golden(t, "level-E1", body)

	var gql struct {
		TraceabilityLevel map[string]any `json:"traceabilityLevel"`
	}
	ts.data(t, `{ traceabilityLevel(unit: "Unit:E1") { units materialLevel processLevel
		assemblies { partNumber depth units scrapped materialLevel processLevel
			materialUnits { level units } processUnits { level units }
			materialLines { kind partNumber refDes refDesCount needsRefDes needsSource optional level units { level units } material sourcelessMaterial }
			processLines { kind name optional level units { level units } } }
		gaps { assembly kind lineKind line reason level units material from to message } } }`, nil, &gql)
	if a, b := mustJSON(t, gql.TraceabilityLevel), mustJSON(t, rest); a != b {
		t.Errorf("GraphQL answer differs from the REST JSON:\n%s\n%s", a, b)
	}
	if gql.TraceabilityLevel["materialLevel"] != "M3" || gql.TraceabilityLevel["processLevel"] != "P1" {
		t.Errorf("traceabilityLevel(Unit:E1) = %v %v, want M3 P1", gql.TraceabilityLevel["materialLevel"], gql.TraceabilityLevel["processLevel"])
	}

	for _, tt := range []struct {
		path   string
		status int
		field  string
	}{
		{"?unit=Unit:E1&partNumber=L1", http.StatusBadRequest, "unit"},
		{"?partNumber=L1&format=xml", http.StatusBadRequest, "format"},
		{"?partNumber=L1&limit=3", http.StatusBadRequest, "limit"},
		{"?partNumber=L1&partNumber=L2", http.StatusBadRequest, "partNumber"},
		{"?workOrder=NOPE", http.StatusNotFound, "workOrder"},
	} {
		resp, body := ts.get(t, "/api/v1/reports/traceability-level"+tt.path)
		var e struct{ Error tracegraph.Error }
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode != tt.status || e.Error.Field != tt.field {
			t.Errorf("GET %s = %d %s, want %d naming %s", tt.path, resp.StatusCode, body, tt.status, tt.field)
		}
	}
	r := ts.gql(t, `{ traceabilityLevel(partNumber: "L1", workOrder: "W1") { units } }`, nil, "")
	if r.code() != string(tracegraph.CodeInvalid) {
		t.Errorf("traceabilityLevel with two scopes: %s, want INVALID", r.raw)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
