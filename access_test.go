package tracegraph

import (
	"context"
	"strings"
	"testing"
)

// TestMay tries every operation of the access table with every role (and
// with none) and checks what each may do: reading is every role's, events
// go by their type, holds and containments are quality's, issuing serials
// and IPC-CFX messages (shop-floor events only) the operator's, voiding is
// the admin's, who may do everything.
func TestMay(t *testing.T) {
	// want[role] lists the non-reading operations the role may do; reading
	// (Grant.Role == RoleReader) is allowed to every role.
	shopFloor := func(op Operation) bool {
		s, ok := strings.CutPrefix(string(op), "event ")
		return ok && s != string(EventHoldPlaced) && s != string(EventHoldReleased) && s != string(EventVoided) &&
			s != string(EventRecallPublished)
	}
	holds := func(op Operation) bool {
		switch op {
		case EventOperation(EventHoldPlaced), EventOperation(EventHoldReleased), EventOperation(EventRecallPublished),
			"Mutation.placeHold", "Mutation.releaseHold", "Mutation.contain", "Mutation.releaseContainment", "Mutation.publishRecall",
			"POST /api/v1/containments", "POST /api/v1/containments/:id/release", "POST /api/v1/containments/:id/publish":
			return true
		}
		return false
	}
	recording := func(op Operation) bool {
		return op == "Mutation.ingest" || op == "POST /api/v1/events" || op == "POST /epcis/capture"
	}
	serials := func(op Operation) bool { return op == "Mutation.allocateSerials" || op == "POST /api/v1/serials" }
	may := map[Role]func(Operation) bool{
		"":         func(Operation) bool { return false },
		RoleReader: func(Operation) bool { return false },
		RoleOperator: func(op Operation) bool {
			return shopFloor(op) || recording(op) || serials(op) || op == "POST /api/v1/cfx"
		},
		RoleQuality: func(op Operation) bool { return holds(op) || recording(op) },
		RoleAdmin:   func(Operation) bool { return true },
	}
	for _, g := range Grants() {
		for _, r := range []Role{"", RoleReader, RoleOperator, RoleQuality, RoleAdmin} {
			p := Principal{Subject: "alice"}
			if r != "" {
				p.Roles = []Role{r}
			}
			want := may[r](g.Operation) || (r != "" && !g.Writes())
			err := p.May(g.Operation)
			if (err == nil) != want {
				t.Errorf("role %q May(%s) = %v, want allowed %v", r, g.Operation, err, want)
			}
			if err != nil && ErrorCode(err) != CodeForbidden {
				t.Errorf("role %q May(%s) = %v, want FORBIDDEN", r, g.Operation, err)
			}
		}
	}
}

func TestMayRefuses(t *testing.T) {
	admin := Principal{Subject: "root", Roles: []Role{RoleAdmin}}
	tests := []struct {
		name string
		p    Principal
		op   Operation
		want string // in the message
	}{
		{"an operation outside the table", admin, "DELETE /api/v1/events", "not in the access table"},
		{"a write without a subject", Principal{Roles: []Role{RoleOperator}}, EventOperation(EventUnitCreated), "subject (sub)"},
		{"recording without a subject", Principal{Roles: []Role{RoleAdmin}}, "POST /api/v1/events", "subject (sub)"},
		{"a reader recording", Principal{Subject: "r", Roles: []Role{RoleReader}}, "Mutation.ingest", "operator, quality or admin"},
		{"an operator voiding", Principal{Subject: "o", Roles: []Role{RoleOperator}}, EventOperation(EventVoided), "needs the admin role; the token grants only operator"},
		{"unknown roles read nothing", Principal{Subject: "x", Roles: []Role{"superuser"}}, "Query.trace", "needs the reader role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.May(tt.op)
			if ErrorCode(err) != CodeForbidden || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("May(%s) = %v, want FORBIDDEN saying %q", tt.op, err, tt.want)
			}
		})
	}
	// Reading needs no subject.
	if err := (Principal{Roles: []Role{RoleReader}}).May("Query.trace"); err != nil {
		t.Errorf("a reader without a subject: May(Query.trace) = %v, want nil", err)
	}
}

func TestAllowWithoutPrincipal(t *testing.T) {
	if err := Allow(context.Background(), "Query.trace"); ErrorCode(err) != CodeUnauthenticated {
		t.Errorf("Allow without a principal = %v, want UNAUTHENTICATED", err)
	}
	ctx := NewContext(context.Background(), Principal{Subject: "bob", Roles: []Role{RoleQuality}})
	if err := Allow(ctx, "Mutation.contain"); err != nil {
		t.Errorf("Allow(quality, Mutation.contain) = %v, want nil", err)
	}
	if got := Actor(ctx); got != "bob" {
		t.Errorf("Actor = %q, want bob", got)
	}
	if got := Actor(context.Background()); got != "" {
		t.Errorf("Actor without a principal = %q, want empty", got)
	}
}

// TestGrantsCoverEveryEventType: each event type has exactly one grant.
func TestGrantsCoverEveryEventType(t *testing.T) {
	seen := map[Operation]int{}
	for _, g := range Grants() {
		seen[g.Operation]++
	}
	for op, n := range seen {
		if n != 1 {
			t.Errorf("%s has %d grants, want 1", op, n)
		}
	}
	for _, et := range AllEventTypes() {
		if seen[EventOperation(et)] != 1 {
			t.Errorf("event type %s has no grant", et)
		}
	}
}
