package resolvers

import (
	"context"
	"slices"

	"github.com/tracegraph/tracegraph"
)

// ScopeWrite is the scope a principal needs for writes: ingest, holds and
// POST /api/v1/events.
const ScopeWrite = "write"

// Principal is who a request acts for, as the server authenticated it.
type Principal struct {
	// Subject names the caller (the token's sub); it becomes the operator of
	// the events placeHold and releaseHold record.
	Subject string
	Scopes  []string
}

// Can reports whether the principal has scope.
func (p Principal) Can(scope string) bool { return slices.Contains(p.Scopes, scope) }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// CheckWrite returns UNAUTHENTICATED when auth is required and ctx has no
// principal, FORBIDDEN when the principal lacks the write scope, else nil.
func CheckWrite(ctx context.Context, required bool) error {
	if !required {
		return nil
	}
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return tracegraph.Errorf(tracegraph.CodeUnauthenticated, "", "a bearer token is required")
	}
	if !p.Can(ScopeWrite) {
		return tracegraph.Errorf(tracegraph.CodeForbidden, "", "writing needs the %q scope", ScopeWrite)
	}
	return nil
}
