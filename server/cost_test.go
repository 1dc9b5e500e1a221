package server_test

import (
	"fmt"
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
