package tracegraph

import (
	"context"
	"slices"
)

// Role is a set of rights a token grants; the token names its roles in a
// claim (see docs/auth.md). Every role includes the reader's rights, and
// admin holds every right: see Allow and the access table in access.go.
type Role string

// The roles.
const (
	// RoleReader may ask: queries, subscriptions, exports.
	RoleReader Role = "reader"
	// RoleOperator may record shop-floor events (and read).
	RoleOperator Role = "operator"
	// RoleQuality may place and release holds and containments (and read).
	RoleQuality Role = "quality"
	// RoleAdmin may do everything, voiding events included.
	RoleAdmin Role = "admin"
)

// Roles returns every role, the fewest rights first.
func Roles() []Role { return []Role{RoleReader, RoleOperator, RoleQuality, RoleAdmin} }

// ParseRole returns the role named s, and false when s names none.
func ParseRole(s string) (Role, bool) {
	r := Role(s)
	return r, slices.Contains(Roles(), r)
}

// Principal is who a request acts for, as the server authenticated it from
// its token.
type Principal struct {
	// Subject names the caller (the token's sub). Writes record it as the
	// events' RecordedBy; a principal without one may not write.
	Subject string
	// Roles are the roles the token grants (unknown names left out).
	Roles []Role
}

// Has reports whether p holds the rights of role r: admin holds every
// role's, and every role holds the reader's.
func (p Principal) Has(r Role) bool {
	if slices.Contains(p.Roles, r) || slices.Contains(p.Roles, RoleAdmin) {
		return true
	}
	return r == RoleReader && slices.ContainsFunc(p.Roles, func(x Role) bool { _, ok := ParseRole(string(x)); return ok })
}

type principalKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal ctx carries, and false when it carries
// none (the request was not authenticated, or authentication is off).
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Actor returns the subject of ctx's principal, "" without one: what the
// events a request writes record as RecordedBy.
func Actor(ctx context.Context) string {
	p, _ := FromContext(ctx)
	return p.Subject
}
