package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest/cfx"
	"github.com/tracegraph/tracegraph/server"
)

// cfxEnvelope wraps one of the CFX SDK's example bodies
// (ingest/cfx/testdata/sdk) in an envelope.
func cfxEnvelope(t *testing.T, message, file, uniqueID string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "ingest", "cfx", "testdata", "sdk", file))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"MessageName":%q,"UniqueID":%q,"TimeStamp":"2026-03-04T08:00:00.1234567+01:00","Source":"Line1.SMT1","MessageBody":%s}`, message, uniqueID, b)
}

func (ts *testServer) postCFX(t *testing.T, body, token string) (int, server.CFXResponse) {
	t.Helper()
	status, _, b := ts.do(t, http.MethodPost, "/api/v1/cfx", "application/json", token, []byte(body))
	var resp server.CFXResponse
	if status == http.StatusOK || status == http.StatusUnprocessableEntity {
		if err := json.Unmarshal(b, &resp); err != nil {
			t.Fatalf("POST /api/v1/cfx: %v in %s", err, b)
		}
	}
	return status, resp
}

// TestPostCFX: CFX messages over HTTP, one envelope or an array: applied,
// then duplicates; unused ones ignored; one that cannot be mapped rejected
// (422) with its reason while the others go through; all counted in the
// metrics by message and status.
func TestPostCFX(t *testing.T) {
	ts := start(t, func(c *server.Config) { c.CFX = cfx.Options{PanelPositions: true} })
	if status, resp := ts.postEvents(t, []byte(`[{"id":"u1","type":"unit.created","time":"2026-03-04T07:00:00Z","data":{"serial":"PANEL23423432.1","partNumber":"PCBA-100"}},
		{"id":"u2","type":"unit.created","time":"2026-03-04T07:00:00Z","data":{"serial":"PANEL23423432.2","partNumber":"PCBA-100"}}]`), "application/json", "", ""); status != http.StatusOK {
		t.Fatalf("creating the boards: %d %+v", status, resp)
	}
	personalized := cfxEnvelope(t, "CFX.Production.Assembly.UnitsPersonalized", "UnitsPersonalized.json", "p-1")
	unused := `{"MessageName":"CFX.EndpointConnected","UniqueID":"c-1","TimeStamp":"2026-03-04T08:00:00Z","MessageBody":{"CFXHandle":"Line1.SMT1"}}`

	status, resp := ts.postCFX(t, "["+personalized+","+unused+"]", "")
	if status != http.StatusOK || resp.Accepted != 1 || resp.Ignored != 1 || len(resp.Messages) != 2 {
		t.Fatalf("first POST: %d %+v, want 200 with 1 accepted, 1 ignored", status, resp)
	}
	if m := resp.Messages[0]; m.Status != cfx.StatusAccepted || len(m.Events) != 2 || m.Events[0].Status != tracegraph.OutcomeAccepted {
		t.Errorf("UnitsPersonalized: %+v, want accepted with its 2 events", m)
	}
	if nodes, err := ts.Store.Lookup(t.Context(), "C0-15-B9-2D-0F-3C"); err != nil || len(nodes) != 1 || nodes[0].ID != "Unit:PANEL23423432.2" {
		t.Errorf("Lookup(the second board's MAC) = %v, %v; want Unit:PANEL23423432.2", nodes, err)
	}

	// Again, as one envelope: a duplicate.
	status, resp = ts.postCFX(t, personalized, "")
	if status != http.StatusOK || resp.Duplicates != 1 || resp.Messages[0].Status != cfx.StatusDuplicate {
		t.Errorf("the same message again: %d %+v, want 200, 1 duplicate", status, resp)
	}

	// A message about a board tracegraph does not know: 422, nothing of it
	// applied, the reason given.
	unknown := strings.ReplaceAll(cfxEnvelope(t, "CFX.Production.Assembly.UnitsPersonalized", "UnitsPersonalized.json", "p-2"), "PANEL23423432", "PANEL-UNKNOWN")
	status, resp = ts.postCFX(t, "["+unknown+","+unused+"]", "")
	if status != http.StatusUnprocessableEntity || resp.Rejected != 1 || resp.Ignored != 1 {
		t.Fatalf("an unknown board: %d %+v, want 422, 1 rejected, 1 ignored", status, resp)
	}
	if e := resp.Messages[0].Error; e == nil || e.Code != tracegraph.CodeNotFound || !strings.Contains(e.Message, "PANEL-UNKNOWN") {
		t.Errorf("the rejection's error = %+v, want NOT_FOUND naming PANEL-UNKNOWN", e)
	}

	// A body that is not JSON at all.
	if status, _, b := ts.do(t, http.MethodPost, "/api/v1/cfx", "application/json", "", []byte(`{"MessageName":`)); status != http.StatusBadRequest {
		t.Errorf("a body that is not JSON: %d %s, want 400", status, b)
	}

	_, _, metrics := ts.do(t, http.MethodGet, "/metrics", "", "", nil)
	for _, want := range []string{
		`tracegraph_cfx_messages_total{message="UnitsPersonalized",status="accepted"} 1`,
		`tracegraph_cfx_messages_total{message="UnitsPersonalized",status="duplicate"} 1`,
		`tracegraph_cfx_messages_total{message="UnitsPersonalized",status="rejected"} 1`,
		`tracegraph_cfx_messages_total{message="other",status="ignored"} 2`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
