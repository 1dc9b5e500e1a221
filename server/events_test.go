package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/server"
)

// toArray turns NDJSON into a JSON array, one event per line.
func toArray(ndjson []byte) []byte {
	lines := strings.Split(strings.TrimSpace(string(ndjson)), "\n")
	return []byte("[\n" + strings.Join(lines, ",\n") + "\n]")
}

func TestPostEvents(t *testing.T) {
	ts := start(t, nil)
	body := scenario(t)

	status, resp := ts.postEvents(t, body, "application/x-ndjson", "", "")
	if status != http.StatusOK || resp.Accepted != 34 || resp.Duplicates != 0 || resp.Rejected != 0 {
		t.Fatalf("first POST: status %d, accepted %d, duplicates %d, rejected %d; want 200, 34, 0, 0", status, resp.Accepted, resp.Duplicates, resp.Rejected)
	}
	for i, o := range resp.Outcomes {
		if o.Index != i || o.Line != i+1 || o.Status != "accepted" || o.Seq != uint64(i+1) {
			t.Fatalf("outcome %d = %+v, want index %d line %d accepted seq %d", i, o, i, i+1, i+1)
		}
	}

	// The same batch again, as a JSON array: every event is a duplicate.
	status, resp = ts.postEvents(t, toArray(body), "application/json", "", "")
	if status != http.StatusOK || resp.Accepted != 0 || resp.Duplicates != 34 || resp.Rejected != 0 {
		t.Fatalf("resent batch: status %d, accepted %d, duplicates %d, rejected %d; want 200, 0, 34, 0", status, resp.Accepted, resp.Duplicates, resp.Rejected)
	}
	for i, o := range resp.Outcomes {
		if o.Status != "duplicate" || o.Seq != uint64(i+1) || o.Line != i+2 {
			t.Fatalf("resent outcome %d = %+v, want duplicate of seq %d on line %d", i, o, i+1, i+2)
		}
	}
}

func TestPostEventsRejections(t *testing.T) {
	good := `{"id":"n1","type":"unit.created","time":"2026-03-03T08:00:00Z","data":{"serial":"NEW-1","partNumber":"700-A"}}`
	tests := []struct {
		name        string
		body        string
		contentType string
		query       string
		wantStatus  int
		want        []server.EventOutcome // index, line, status, error code (message ignored)
	}{
		{
			name:        "one bad line among good ones (NDJSON sent as JSON, sniffed)",
			contentType: "application/json",
			body: good + "\n" +
				"{not json\n" +
				"\n" +
				`{"id":"n2","type":"unit.exploded","time":"2026-03-03T08:00:00Z","data":{}}` + "\n" +
				`{"id":"n3","type":"test.recorded","time":"2026-03-03T08:00:00Z","data":{"unit":"NOPE","testType":"ICT","result":"pass"}}` + "\n" +
				`{"id":"n4","type":"unit.created","time":"2026-03-03T08:00:00Z","data":{"serial":"PCBA-0001","partNumber":"700-A"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			want: []server.EventOutcome{
				{Index: 0, Line: 1, ID: "n1", Status: "accepted"},
				{Index: 1, Line: 2, Status: "rejected", Error: code("INVALID")},
				{Index: 2, Line: 4, ID: "n2", Status: "rejected", Error: code("INVALID")},
				{Index: 3, Line: 5, ID: "n3", Status: "rejected", Error: code("NOT_FOUND")},
				{Index: 4, Line: 6, ID: "n4", Status: "rejected", Error: code("CONFLICT")},
			},
		},
		{
			name:        "atomic: one bad event and nothing is applied",
			contentType: "application/x-ndjson",
			query:       "atomic=true",
			body: good + "\n" +
				`{"id":"n5","type":"material.consumed","time":"2026-03-03T08:00:00Z","data":{"unit":"NEW-1","lot":"NO-SUCH-LOT"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			want: []server.EventOutcome{
				{Index: 0, Line: 1, ID: "n1", Status: "aborted", Error: code("NOT_FOUND")},
				{Index: 1, Line: 2, ID: "n5", Status: "rejected", Error: code("NOT_FOUND")},
			},
		},
		{
			name:        "atomic: a line that does not decode aborts the rest",
			contentType: "application/x-ndjson",
			query:       "atomic=1",
			body:        good + "\n" + `{"id":"n6","type":"unit.created","time":"yesterday","data":{}}`,
			wantStatus:  http.StatusUnprocessableEntity,
			want: []server.EventOutcome{
				{Index: 0, Line: 1, ID: "n1", Status: "aborted", Error: code("INVALID")},
				{Index: 1, Line: 2, ID: "n6", Status: "rejected", Error: code("INVALID")},
			},
		},
		{
			name:        "an id sent again with other content",
			contentType: "application/json",
			body:        `[{"id":"e08","type":"unit.created","time":"2026-03-01T07:00:00Z","data":{"serial":"PCBA-0001","partNumber":"OTHER"}}]`,
			wantStatus:  http.StatusUnprocessableEntity,
			want: []server.EventOutcome{
				{Index: 0, Line: 1, ID: "e08", Status: "rejected", Error: code("CONFLICT")},
			},
		},
		{
			name:        "an atomic batch with an id sent again with other content",
			contentType: "application/json",
			body:        "[" + good + ",\n" + `{"id":"e08","type":"unit.created","time":"2026-03-01T07:00:00Z","data":{"serial":"PCBA-0001","partNumber":"OTHER"}}]`,
			query:       "atomic=true",
			wantStatus:  http.StatusUnprocessableEntity,
			want: []server.EventOutcome{
				{Index: 0, Line: 1, ID: "n1", Status: "aborted", Error: code("CONFLICT")},
				{Index: 1, Line: 2, ID: "e08", Status: "rejected", Error: code("CONFLICT")},
			},
		},
		{
			name:        "NDJSON after blank lines keeps line numbers (found by FuzzReadEvents)",
			contentType: "application/x-ndjson",
			body:        "\r\n  \n" + good + "\n\n" + `{"id":"n7"}`,
			wantStatus:  http.StatusUnprocessableEntity,
			want: []server.EventOutcome{
				{Index: 0, Line: 3, ID: "n1", Status: "accepted"},
				{Index: 1, Line: 5, ID: "n7", Status: "rejected", Error: code("INVALID")},
			},
		},
		{
			name:        "a JSON array after blank lines keeps line numbers",
			contentType: "application/json",
			body:        "\n\n[" + good + ",\n" + `{"id":"n7"}` + "]",
			wantStatus:  http.StatusUnprocessableEntity,
			want: []server.EventOutcome{
				{Index: 0, Line: 3, ID: "n1", Status: "accepted"},
				{Index: 1, Line: 4, ID: "n7", Status: "rejected", Error: code("INVALID")},
			},
		},
		{
			name:        "a JSON array over several lines keeps line numbers",
			contentType: "application/json",
			body:        "[\n  " + good + ",\n\n  " + `{"id":"n7"}` + "\n]",
			wantStatus:  http.StatusUnprocessableEntity,
			want: []server.EventOutcome{
				{Index: 0, Line: 2, ID: "n1", Status: "accepted"},
				{Index: 1, Line: 4, ID: "n7", Status: "rejected", Error: code("INVALID")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startScenario(t, nil)
			status, resp := ts.postEvents(t, []byte(tt.body), tt.contentType, tt.query, "")
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", status, tt.wantStatus)
			}
			if len(resp.Outcomes) != len(tt.want) {
				t.Fatalf("got %d outcomes, want %d: %+v", len(resp.Outcomes), len(tt.want), resp.Outcomes)
			}
			for i, w := range tt.want {
				g := resp.Outcomes[i]
				if g.Index != w.Index || g.Line != w.Line || g.ID != w.ID || g.Status != w.Status || (w.Seq != 0 && g.Seq != w.Seq) || codeOf(g) != codeOf(w) {
					t.Errorf("outcome %d = %s, want index %d line %d id %q %s %s", i, js(g), w.Index, w.Line, w.ID, w.Status, codeOf(w))
				}
				if g.Error != nil && g.Error.Message == "" {
					t.Errorf("outcome %d has an error without a message", i)
				}
			}
			if tt.query != "" { // atomic: nothing of the batch is recorded
				var d struct{ Node *struct{ ID string } }
				ts.data(t, `{ node(id: "Unit:NEW-1") { id } }`, nil, &d)
				if d.Node != nil {
					t.Errorf("atomic batch was partly applied: Unit:NEW-1 exists")
				}
			}
		})
	}
}

func TestPostEventsBadBodies(t *testing.T) {
	tests := []struct {
		name       string
		body       []byte
		wantStatus int
		wantCode   string
	}{
		{"empty body", nil, http.StatusBadRequest, "INVALID"},
		{"blank lines only", []byte("\n \n"), http.StatusBadRequest, "INVALID"},
		{"malformed array", []byte(`[{"id":"a"}, {"id":`), http.StatusBadRequest, "INVALID"},
		{"empty array", []byte(`[]`), http.StatusBadRequest, "INVALID"},
		{"too large", bytes.Repeat([]byte(`{"id":"x"}`+"\n"), 1000), http.StatusRequestEntityTooLarge, "LIMIT"},
	}
	ts := start(t, func(c *server.Config) { c.MaxEventsBody = 4096 })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, b := ts.do(t, http.MethodPost, "/api/v1/events", "application/json", "", tt.body)
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatalf("body %s: %v", b, err)
			}
			if status != tt.wantStatus || e.Error.Code != tt.wantCode || e.Error.Message == "" {
				t.Errorf("status %d code %q message %q, want %d %s", status, e.Error.Code, e.Error.Message, tt.wantStatus, tt.wantCode)
			}
		})
	}
	status, _, _ := ts.do(t, http.MethodPost, "/api/v1/events?atomic=maybe", "application/json", "", []byte("[]"))
	if status != http.StatusBadRequest {
		t.Errorf("atomic=maybe: status %d, want 400", status)
	}
}

func code(c string) *tracegraph.Error { return &tracegraph.Error{Code: tracegraph.Code(c)} }

func codeOf(o server.EventOutcome) string {
	if o.Error == nil {
		return ""
	}
	return string(o.Error.Code)
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
