package server

import (
	"net/http"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

// TestEveryRouteHasAGrant: every route is open, the GraphQL endpoint
// (operations judged one by one) or in the access table; a route added
// without a grant would be refused to everyone.
func TestEveryRouteHasAGrant(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.echo.Routes() {
		if open(r.Path) || graphqlRoute(r.Path) {
			continue
		}
		op := tracegraph.Operation(r.Method + " " + r.Path)
		if _, ok := tracegraph.GrantOf(op); !ok {
			t.Errorf("route %s has no grant in tracegraph.Grants", op)
		}
	}
}

// TestStatusOfInterlocks: the line-side interlocks answer 409 like ON_HOLD,
// so a line controller can tell "refused as things stand" from bad input.
func TestStatusOfInterlocks(t *testing.T) {
	for _, c := range []tracegraph.Code{tracegraph.CodeOnHold, tracegraph.CodeWrongPart, tracegraph.CodeExpired, tracegraph.CodeRoute, tracegraph.CodeNotAllocated} {
		if got := statusOf(c); got != http.StatusConflict {
			t.Errorf("statusOf(%s) = %d, want %d", c, got, http.StatusConflict)
		}
		if got := codeLabel(&tracegraph.Error{Code: c}); got != string(c) {
			t.Errorf("codeLabel(%s) = %q, want %q", c, got, c)
		}
	}
}
