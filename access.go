package tracegraph

import (
	"context"
	"fmt"
	"strings"
)

// Operation names something a caller may do: a GraphQL root field
// ("Query.trace", "Mutation.placeHold", "Subscription.events"), a REST
// endpoint ("POST /api/v1/containments", its route as the router names it)
// or recording an event of a type (EventOperation: "event hold.placed").
type Operation string

// EventOperation is the operation of recording an event of type t.
func EventOperation(t EventType) Operation { return Operation("event " + string(t)) }

// Grant says which role may do an operation.
type Grant struct {
	Operation Operation
	// Role is the role the operation needs (admin and, for RoleReader,
	// every role have it too). Empty when PerEvent.
	Role Role
	// PerEvent marks the operations that record events a client sends
	// (POST /api/v1/events, Mutation.ingest): a principal that may record
	// some event type may call them, and each event is then allowed or
	// refused by its own type (EventOperation).
	PerEvent bool
}

// Writes reports whether the operation changes the log: it needs more than
// the reader's rights, and a principal with a subject.
func (g Grant) Writes() bool { return g.PerEvent || g.Role != RoleReader }

// Grants returns the access table: every operation and the role it needs,
// the one place that decides who may do what. An operation missing from it
// is refused to everyone.
func Grants() []Grant {
	var gs []Grant
	add := func(r Role, ops ...Operation) {
		for _, op := range ops {
			gs = append(gs, Grant{Operation: op, Role: r})
		}
	}
	// Asking: every role.
	add(RoleReader,
		"Query.node", "Query.lookup", "Query.trace", "Query.recallImpact", "Query.units", "Query.stats",
		"Query.whereUsed", "Query.material", "Query.processUnits", "Query.testUnits", "Query.traceabilityLevel",
		"Query.product", "Query.productByGtin",
		"Query.__schema", "Query.__type",
		"Subscription.events", "Query.head",
		"GET /api/v1/export/:kind", "GET /api/v1/head", "GET /api/v1/reports/traceability-level", "GET /api/v1/labels/:id",
		"GET /epcis/events", "GET /epcis/events/:eventID", "GET /epcis/capture/:id")
	// Verifying the store replays the whole log: the admin's.
	add(RoleAdmin, "GET /api/v1/verify")
	// Recording what the clients send: decided per event.
	gs = append(gs,
		Grant{Operation: "Mutation.ingest", PerEvent: true},
		Grant{Operation: "POST /api/v1/events", PerEvent: true},
		Grant{Operation: "POST /epcis/capture", PerEvent: true})
	// IPC-CFX messages map onto shop-floor events only.
	add(RoleOperator, "POST /api/v1/cfx")
	// Holds and containments.
	add(RoleQuality,
		"Mutation.placeHold", "Mutation.releaseHold", "Mutation.contain", "Mutation.releaseContainment", "Mutation.publishRecall",
		"POST /api/v1/containments", "POST /api/v1/containments/:id/release", "POST /api/v1/containments/:id/publish")
	// Issuing serial numbers: the shop floor's.
	add(RoleOperator, "Mutation.allocateSerials", "POST /api/v1/serials")
	// Operating the service: backups and the whole log (docs/archive.md).
	add(RoleAdmin, "POST /api/v1/admin/backup", "GET /api/v1/admin/log")
	// Events, by type.
	for _, t := range AllEventTypes() {
		gs = append(gs, Grant{Operation: EventOperation(t), Role: eventRole(t)})
	}
	return gs
}

// eventRole is the role that may record events of type t: holds and
// published recalls are the quality team's, voiding is the admin's, everything else happens on the
// shop floor.
func eventRole(t EventType) Role {
	switch t {
	case EventHoldPlaced, EventHoldReleased, EventRecallPublished:
		return RoleQuality
	case EventVoided:
		return RoleAdmin
	}
	return RoleOperator
}

// GrantOf returns the grant of op, and false when the table has none.
func GrantOf(op Operation) (Grant, bool) {
	// Events are judged one by one, batches of thousands: go straight to
	// their row.
	if t, ok := strings.CutPrefix(string(op), "event "); ok {
		if et := EventType(t); et.Valid() {
			return Grant{Operation: op, Role: eventRole(et)}, true
		}
		return Grant{}, false
	}
	for _, g := range Grants() {
		if g.Operation == op {
			return g, true
		}
	}
	return Grant{}, false
}

// May returns nil when p may do op, and a FORBIDDEN *Error saying why not
// otherwise: op is not in the access table, p lacks its role, or op writes
// and p has no subject.
func (p Principal) May(op Operation) error {
	g, ok := GrantOf(op)
	if !ok {
		return Errorf(CodeForbidden, "", "%s is not in the access table: no one may do it", op)
	}
	if g.PerEvent {
		if !p.recordsAny() {
			return Errorf(CodeForbidden, "", "%s records events: it needs the operator, quality or admin role; the token grants %s", op, p.granted())
		}
	} else if !p.Has(g.Role) {
		return Errorf(CodeForbidden, "", "%s needs the %s role; the token grants %s", op, g.Role, p.granted())
	}
	if g.Writes() && p.Subject == "" {
		return Errorf(CodeForbidden, "", "%s writes: it needs a token with a subject (sub), recorded as the events' recordedBy", op)
	}
	return nil
}

// recordsAny reports whether p may record events of some type.
func (p Principal) recordsAny() bool {
	for _, t := range AllEventTypes() {
		if p.Has(eventRole(t)) {
			return true
		}
	}
	return false
}

// granted lists p's roles for messages.
func (p Principal) granted() string {
	if len(p.Roles) == 0 {
		return "no role"
	}
	s := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		s[i] = string(r)
	}
	return fmt.Sprintf("only %s", strings.Join(s, ", "))
}

// Allow returns nil when the principal of ctx may do op: UNAUTHENTICATED
// when ctx carries no principal, FORBIDDEN as Principal.May says. Callers
// call it only when authentication is on.
func Allow(ctx context.Context, op Operation) error {
	p, ok := FromContext(ctx)
	if !ok {
		return Errorf(CodeUnauthenticated, "", "a bearer token is required (Authorization: Bearer <token>)")
	}
	return p.May(op)
}
