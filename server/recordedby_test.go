package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/server"
)

// unitEvents returns who recorded each event of a unit, as GraphQL answers.
func unitEvents(t *testing.T, ts *testServer, unit, token string) []struct{ ID, Type, RecordedBy string } {
	t.Helper()
	r := ts.gql(t, `query($id: ID!) { node(id: $id) { ... on Unit { events { id type recordedBy } } } }`, map[string]any{"id": unit}, token)
	var d struct {
		Node struct {
			Events []struct{ ID, Type, RecordedBy string }
		}
	}
	if len(r.Errors) > 0 || json.Unmarshal(r.Data, &d) != nil {
		t.Fatalf("events of %s: %s", unit, r.raw)
	}
	return d.Node.Events
}

// TestRecordedBy: every write records the subject of its token, over REST
// and GraphQL, in the hashed record; the client cannot set it; a resend by
// someone else is a duplicate that keeps the first writer; without
// authentication nothing is recorded.
func TestRecordedBy(t *testing.T) {
	ts := startAuth(t, server.AuthConfig{HS256Secret: []byte(testSecret)})
	olivia, quinn, rita := hs(t, claims("olivia", "operator")), hs(t, claims("quinn", "quality")), hs(t, claims("rita", "reader"))
	created := []byte(`{"id":"rb-1","type":"unit.created","time":"2026-03-04T08:00:00Z","operator":"op-17","data":{"serial":"RB-1","partNumber":"700-A"}}`)
	if status, resp := ts.postEvents(t, created, "application/x-ndjson", "", olivia); status != http.StatusOK || resp.Accepted != 1 {
		t.Fatalf("POST by olivia: %d %+v", status, resp)
	}
	// The same event again, by someone else: a duplicate.
	if status, resp := ts.postEvents(t, created, "application/x-ndjson", "", hs(t, claims("ada", "admin"))); status != http.StatusOK || resp.Duplicates != 1 {
		t.Fatalf("POST again by ada: %d %+v, want a duplicate", status, resp)
	}
	// The client may not say who recorded it.
	forged := []byte(`{"id":"rb-2","type":"unit.created","time":"2026-03-04T08:00:00Z","recordedBy":"ada","data":{"serial":"RB-2","partNumber":"700-A"}}`)
	status, resp := ts.postEvents(t, forged, "application/x-ndjson", "", olivia)
	if status != http.StatusUnprocessableEntity || resp.Outcomes[0].Error == nil || resp.Outcomes[0].Error.Field != "recordedBy" {
		t.Fatalf("POST with recordedBy: %d %+v, want 422 INVALID recordedBy", status, resp)
	}
	if r := ts.gql(t, `mutation { placeHold(target: "Unit:RB-1", reason: "dropped") { event { recordedBy operator } } }`, nil, quinn); len(r.Errors) > 0 ||
		string(r.Data) != `{"placeHold":{"event":{"recordedBy":"quinn","operator":"quinn"}}}` {
		t.Fatalf("placeHold by quinn: %s", r.raw)
	}
	b, _ := json.Marshal(map[string]any{"suspects": []string{"Unit:RB-1"}, "reason": "drop test", "containment": "rb-c"})
	if status, _, body := ts.do(t, http.MethodPost, "/api/v1/containments", "application/json", quinn, b); status != http.StatusOK {
		t.Fatalf("contain by quinn: %d %s", status, body)
	}

	got := unitEvents(t, ts, "Unit:RB-1", rita)
	want := []struct{ Type, RecordedBy string }{{"unit.created", "olivia"}, {"hold.placed", "quinn"}, {"hold.placed", "quinn"}}
	if len(got) != len(want) {
		t.Fatalf("events of RB-1 = %+v, want %+v", got, want)
	}
	for i, w := range want {
		if got[i].Type != w.Type || got[i].RecordedBy != w.RecordedBy {
			t.Errorf("event %d of RB-1 = %+v, want %+v", i, got[i], w)
		}
	}
	// It is in the hashed record: the chain verifies with it.
	ev, err := ts.Store.Event(t.Context(), "rb-1")
	if err != nil || ev.RecordedBy != "olivia" || ev.ComputeHash() != ev.Hash {
		t.Fatalf("Event(rb-1) = %+v, %v, want recorded by olivia with a matching hash", ev, err)
	}
	if rep, err := ts.Store.(tracegraph.Verifier).Verify(t.Context(), tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
}

func TestRecordedByWithoutAuth(t *testing.T) {
	ts := start(t, nil)
	if status, resp := ts.postEvents(t, []byte(`{"id":"a-1","type":"unit.created","time":"2026-03-04T08:00:00Z","data":{"serial":"A-1","partNumber":"700-A"}}`), "application/x-ndjson", "", ""); status != http.StatusOK {
		t.Fatalf("POST: %d %+v", status, resp)
	}
	r := ts.gql(t, `{ node(id: "Unit:A-1") { ... on Unit { events { recordedBy } } } }`, nil, "")
	if string(r.Data) != `{"node":{"events":[{"recordedBy":null}]}}` {
		t.Errorf("events of A-1 without authentication: %s, want recordedBy null", r.raw)
	}
}
