package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestAllocateSerials: POST /api/v1/serials and the mutation allocateSerials
// issue serials from one sequence, a repeated request answers the same, and
// a strict scheme refuses a unit with a serial it did not issue (the
// outcome NOT_ALLOCATED).
func TestAllocateSerials(t *testing.T) {
	ts := startScenario(t, nil)
	body := []byte(`{"id":"def-900a","type":"product.defined","time":"2026-03-01T05:00:00Z","data":{"partNumber":"900-A","name":"Gateway A"}}
{"id":"sch-900a","type":"serials.scheme","time":"2026-03-01T05:00:00Z","data":{"partNumber":"900-A","pattern":"A{yy}{ww}-{seq:5}{mod10}"}}`)
	if status, resp := ts.postEvents(t, body, "application/x-ndjson", "", ""); status != http.StatusOK || resp.Accepted != 2 {
		t.Fatalf("POST product and scheme = %d %+v, want 2 accepted", status, resp)
	}
	// The test server's clock is 2026-03-05 12:00 UTC: ISO week 10.
	status, _, b := ts.do(t, http.MethodPost, "/api/v1/serials", "application/json", "", []byte(`{"partNumber":"900-A","count":2,"request":"wo-1"}`))
	var rest tracegraph.Allocation
	if status != http.StatusOK || json.Unmarshal(b, &rest) != nil {
		t.Fatalf("POST /api/v1/serials = %d %s, want 200 and an allocation", status, b)
	}
	want := []string{"A2610-00001" + string(tracegraph.GS1CheckDigit("261000001")), "A2610-00002" + string(tracegraph.GS1CheckDigit("261000002"))}
	if !slices.Equal(rest.Serials, want) || rest.First != 1 || rest.Repeated || rest.Request != "wo-1" {
		t.Errorf("POST /api/v1/serials = %s, want serials %v from 1", b, want)
	}
	var got struct {
		A, Again struct {
			Serials  []string
			First    int
			Repeated bool
		}
	}
	ts.data(t, `mutation { a: allocateSerials(partNumber: "900-A", count: 1, request: "wo-2") { serials first repeated }
		again: allocateSerials(partNumber: "900-A", count: 2, request: "wo-1") { serials first repeated } }`, nil, &got)
	if got.A.First != 3 || got.A.Repeated || !got.Again.Repeated || !slices.Equal(got.Again.Serials, want) {
		t.Errorf("allocateSerials = %+v, want wo-2 from 3 and wo-1 repeated with %v", got, want)
	}
	var p struct {
		Product struct{ SerialScheme map[string]any }
	}
	ts.data(t, `{ product(partNumber: "900-A") { serialScheme { pattern site mode issued next } } }`, nil, &p)
	if s := p.Product.SerialScheme; s["pattern"] != "A{yy}{ww}-{seq:5}{mod10}" || s["mode"] != "strict" || s["issued"] != 3.0 || s["next"] != 4.0 || s["site"] != nil {
		t.Errorf("Product.serialScheme = %v, want the pattern, strict, 3 issued, next 4", s)
	}
	// A request id used for another request is a conflict; a bad count is INVALID.
	if status, _, b := ts.do(t, http.MethodPost, "/api/v1/serials", "application/json", "", []byte(`{"partNumber":"900-A","count":3,"request":"wo-1"}`)); status != http.StatusConflict {
		t.Errorf("POST /api/v1/serials reusing a request id = %d %s, want 409", status, b)
	}
	if r := ts.gql(t, `mutation { allocateSerials(partNumber: "900-A", count: 0, request: "wo-3") { first } }`, nil, ""); r.code() != "INVALID" {
		t.Errorf("allocateSerials(count: 0) = %s, want INVALID", r.raw)
	}
	// Strict: only an allocated serial makes a unit.
	unit := func(serial string) []byte {
		return []byte(`{"id":"mk-` + serial + `","type":"unit.created","time":"2026-03-05T13:00:00Z","data":{"serial":"` + serial + `","partNumber":"900-A"}}`)
	}
	status, resp := ts.postEvents(t, unit("A2610-000049"), "application/json", "", "")
	if status != http.StatusUnprocessableEntity || len(resp.Outcomes) != 1 || resp.Outcomes[0].Error == nil || resp.Outcomes[0].Error.Code != tracegraph.CodeNotAllocated {
		t.Errorf("unit.created with an unallocated serial = %d %+v, want 422 with the outcome NOT_ALLOCATED", status, resp)
	}
	if status, resp := ts.postEvents(t, unit(want[0]), "application/json", "", ""); status != http.StatusOK || resp.Accepted != 1 {
		t.Errorf("unit.created with an allocated serial = %d %+v, want accepted", status, resp)
	}
}
