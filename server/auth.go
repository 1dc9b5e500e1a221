package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// Defaults and bounds of AuthConfig.
const (
	// MinHS256Secret is the shortest HS256 secret New accepts: 32 bytes,
	// the size of the SHA-256 output the signature is.
	MinHS256Secret = 32
	// DefaultRolesClaim is the claim that names a token's roles.
	DefaultRolesClaim = "roles"
	// DefaultMaxTokenLifetime bounds exp−iat and exp−nbf of a token.
	DefaultMaxTokenLifetime = 24 * time.Hour
	// tokenLeeway absorbs clock skew between the issuer and the service.
	tokenLeeway = 30 * time.Second
)

// AuthConfig configures authentication. With neither HS256Secret nor
// OIDCIssuer, authentication is off: every request is allowed and the
// events written record no RecordedBy. Otherwise every request but
// /healthz, /readyz, /metrics, the web app's files and the published
// contract (/api/v1/schema/events.json, /api/v1/openapi.json) needs "Authorization: Bearer
// <JWT>", and the token's roles decide what it may do (tracegraph.Grants).
// See docs/auth.md.
type AuthConfig struct {
	// HS256Secret accepts tokens signed with this shared secret (HS256), at
	// least MinHS256Secret bytes.
	HS256Secret []byte
	// OIDCIssuer accepts tokens of an identity provider, signed with RS256
	// or ES256 by a key of its JWKS, whose iss is exactly this.
	OIDCIssuer string
	// JWKSURL is where the provider publishes its keys. Empty: discovered
	// from OIDCIssuer's /.well-known/openid-configuration when New runs. The
	// keys are fetched again when a token names a key not yet seen, so a
	// rotation needs no restart.
	JWKSURL string
	// Audience is the aud a token must name: required with OIDCIssuer,
	// checked with HS256Secret when set.
	Audience string
	// RolesClaim is the claim with the token's roles, a list of names or a
	// space-separated string; a dotted path reaches into objects
	// ("realm_access.roles" for Keycloak). Default DefaultRolesClaim.
	RolesClaim string
	// MaxTokenLifetime refuses tokens whose exp is further than this from
	// their iat or nbf (and tokens with neither). Default
	// DefaultMaxTokenLifetime.
	MaxTokenLifetime time.Duration
	// Now is the clock tokens are checked against (default time.Now).
	Now func() time.Time
}

// On reports whether authentication is configured.
func (a AuthConfig) On() bool { return len(a.HS256Secret) > 0 || a.OIDCIssuer != "" }

// Check returns what is wrong with the configuration, without contacting
// the identity provider: New calls it, and a command can call it before
// anything slow.
func (a AuthConfig) Check() error {
	switch {
	case !a.On():
		if a.Audience != "" || a.JWKSURL != "" {
			return errors.New("auth: an audience or JWKS URL is set but no way to check tokens: set an HS256 secret or an OIDC issuer")
		}
	case len(a.HS256Secret) > 0 && a.OIDCIssuer != "":
		return errors.New("auth: choose an HS256 secret or an OIDC issuer, not both")
	case len(a.HS256Secret) > 0 && len(a.HS256Secret) < MinHS256Secret:
		return fmt.Errorf("auth: the HS256 secret is %d bytes; it must be at least %d (e.g. openssl rand -base64 48)", len(a.HS256Secret), MinHS256Secret)
	case len(a.HS256Secret) > 0 && a.JWKSURL != "":
		return errors.New("auth: a JWKS URL needs an OIDC issuer, not an HS256 secret")
	case a.OIDCIssuer != "" && a.Audience == "":
		return errors.New("auth: an OIDC issuer needs the audience tokens must name (aud)")
	}
	if c := a.RolesClaim; strings.Trim(c, ".") != c || strings.Contains(c, "..") {
		return fmt.Errorf("auth: roles claim %q is not a claim name or dotted path (e.g. realm_access.roles)", c)
	}
	if a.MaxTokenLifetime < 0 {
		return fmt.Errorf("auth: the maximum token lifetime %s is negative", a.MaxTokenLifetime)
	}
	return nil
}

// open reports whether route needs no token.
func open(route string) bool {
	switch route {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return slices.Contains(webRoutes, route) || contractRoute(route) || slices.Contains(publicRoutes, route)
}

// graphqlRoute reports whether route is the GraphQL endpoint, whose
// operations are allowed or refused one by one (resolvers.Access).
func graphqlRoute(route string) bool { return route == "/graphql" }

// authenticate checks the bearer token when authentication is on, puts the
// principal in the request context, and refuses a route the principal's
// roles do not grant (tracegraph.Allow with "METHOD /route"). An unmatched
// path goes on to its 404; a route asked with a method it does not answer
// is refused FORBIDDEN, as anything outside the access table is.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := c.Path()
		if s.auth == nil || open(route) {
			return next(c)
		}
		h := c.Request().Header.Get("Authorization")
		if h == "" && c.IsWebSocket() {
			return next(c) // the token comes in connection_init (websocketInit)
		}
		p, err := s.auth.verify(c.Request().Context(), h)
		if err != nil {
			return s.fail(c, err)
		}
		r := c.Request()
		ctx := tracegraph.NewContext(r.Context(), p)
		c.SetRequest(r.WithContext(ctx))
		if route == "" || graphqlRoute(route) {
			return next(c)
		}
		if err := tracegraph.Allow(ctx, tracegraph.Operation(r.Method+" "+route)); err != nil {
			return s.fail(c, err)
		}
		return next(c)
	}
}

// websocketInit authenticates a subscription connection from its
// connection_init payload ({"Authorization": "Bearer ..."}) when the upgrade
// request carried no Authorization header. The connection_ack carries no
// payload: echoing the init payload would send the token back.
func (s *Server) websocketInit(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	if s.auth == nil {
		return ctx, nil, nil
	}
	if _, ok := tracegraph.FromContext(ctx); ok {
		return ctx, nil, nil
	}
	pr, err := s.auth.verify(ctx, p.Authorization())
	if err != nil {
		// The close frame says why (graphql-transport-ws has no error message
		// for connection_init); a close reason is at most 123 bytes.
		reason := string(tracegraph.CodeUnauthenticated) + ": " + err.Error()
		if len(reason) > 120 {
			reason = reason[:117] + "..."
		}
		return transport.AppendCloseReason(ctx, reason), nil, err
	}
	return tracegraph.NewContext(ctx, pr), nil, nil
}
