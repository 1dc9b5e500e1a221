package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/server"
)

// aliases returns a query asking for field n times, under aliases.
func aliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

// TestQueryCosts: fields that scan the store cost what they do, and a
// document cannot multiply them by aliases or fragments.
func TestQueryCosts(t *testing.T) {
	ts := startScenario(t, nil)
	spreads := `fragment S on Query { stats { events } } query { ` + strings.Repeat("...S ", 3) + `}`
	bomb := `fragment A on Node { id } fragment B on Unit { ...A ...A ...A ...A ...A ...A ...A ...A ...A ...A } ` +
		`fragment C on Unit { ...B ...B ...B ...B ...B ...B ...B ...B ...B ...B } ` +
		`fragment D on Unit { ...C ...C ...C ...C ...C ...C ...C ...C ...C ...C } ` +
		`{ node(id: "Unit:PCBA-0001") { ...D } }`
	tests := []struct {
		name      string
		query     string
		wantCode  string
		wantInMsg string
	}{
		{"stats ten times", aliases(10, "stats { events }"), "", ""},
		{"stats eleven times", aliases(11, "stats { events }"), "LIMIT", "cost"},
		{"stats 10,000 times", aliases(10_000, "stats { events }"), "LIMIT", ""},
		{"a thousand cheap fields", aliases(1000, "__typename"), "", ""},
		{"a thousand and one cheap fields", aliases(1001, "__typename"), "LIMIT", "1000 fields"},
		{"a fragment spread in one query", spreads, "", ""},
		{"a fragment that multiplies", bomb, "LIMIT", "1000 fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			began := time.Now()
			r := ts.gql(t, tt.query, nil, "")
			if got := r.code(); got != tt.wantCode {
				t.Fatalf("code %q, want %q: %.300s", got, tt.wantCode, r.raw)
			}
			if tt.wantCode != "" && !strings.Contains(r.Errors[0].Message, tt.wantInMsg) {
				t.Errorf("message %q, want it to name %q", r.Errors[0].Message, tt.wantInMsg)
			}
			if d := time.Since(began); d > 5*time.Second {
				t.Errorf("answered in %s", d)
			}
		})
	}
}

// TestRequestDeadline: a GraphQL request past Config.RequestTimeout stops
// and says LIMIT, naming the deadline.
func TestRequestDeadline(t *testing.T) {
	ts := startScenario(t, func(c *server.Config) { c.RequestTimeout = time.Nanosecond })
	r := ts.gql(t, `{ stats { events } }`, nil, "")
	if r.code() != "LIMIT" || !strings.Contains(r.Errors[0].Message, "1ns") {
		t.Fatalf("stats past the deadline: %d %s, want LIMIT naming 1ns", r.status, r.raw)
	}
	if r.status != http.StatusOK {
		t.Errorf("status %d, want 200 (a GraphQL answer with errors)", r.status)
	}
}

// TestGraphQLBadBodies: a body that is not a GraphQL request is answered
// with an excerpt of it, never echoed whole, and one above the limit with
// LIMIT.
func TestGraphQLBadBodies(t *testing.T) {
	ts := start(t, nil)
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"700 KB that is not JSON", "{" + strings.Repeat("x", 700<<10), http.StatusBadRequest, "INVALID"},
		{"a query that is not a string", `{"query": ` + strings.Repeat("1", 700<<10) + `}`, http.StatusBadRequest, "INVALID"},
		{"7 MB", `{"query": "` + strings.Repeat("x", 7<<20) + `"}`, http.StatusRequestEntityTooLarge, "LIMIT"},
		{"7 MB of unknown length", "chunked:" + `{"query": "` + strings.Repeat("x", 7<<20) + `"}`, http.StatusRequestEntityTooLarge, "LIMIT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tt.body)
			if rest, ok := strings.CutPrefix(tt.body, "chunked:"); ok {
				body = io.MultiReader(strings.NewReader(rest)) // no length: sent chunked
			}
			status, b := postReader(t, ts.URL+"/graphql", "application/json", body)
			// A GraphQL answer, or for a body refused by its announced
			// length, the service's error answer.
			var r struct {
				gqlResponse
				Error struct{ Code string }
			}
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatalf("answer %.300s: %v", b, err)
			}
			code := r.code() + r.Error.Code
			if status != tt.wantStatus || code != tt.wantCode {
				t.Errorf("status %d code %q, want %d %s: %.300s", status, code, tt.wantStatus, tt.wantCode, b)
			}
			if len(b) > 2000 {
				t.Errorf("answer of %d bytes to a body of %d: it echoes the body", len(b), len(tt.body))
			}
		})
	}
}
