package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"
	"github.com/tracegraph/tracegraph"
)

// authenticator checks bearer tokens and makes principals of them.
type authenticator struct {
	cfg AuthConfig
	log *slog.Logger
	// signature checks a token's signature and returns its claims; the
	// claims are checked after, the same way for both kinds of token.
	signature func(ctx context.Context, raw string) (map[string]any, error)
}

// newAuthenticator returns the authenticator of cfg, nil when
// authentication is off, or an error naming what is wrong with cfg.
func newAuthenticator(cfg AuthConfig, log *slog.Logger) (*authenticator, error) {
	if err := cfg.Check(); err != nil || !cfg.On() {
		return nil, err
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = DefaultRolesClaim
	}
	if cfg.MaxTokenLifetime == 0 {
		cfg.MaxTokenLifetime = DefaultMaxTokenLifetime
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &authenticator{cfg: cfg, log: log}
	if len(cfg.HS256Secret) > 0 {
		a.signature = a.hs256
	} else {
		v, err := oidcVerifier(cfg)
		if err != nil {
			return nil, err
		}
		a.signature = func(ctx context.Context, raw string) (map[string]any, error) {
			tok, err := v.Verify(ctx, raw)
			if err != nil {
				return nil, err
			}
			var cl map[string]any
			if err := tok.Claims(&cl); err != nil {
				return nil, err
			}
			return cl, nil
		}
	}
	return a, nil
}

// oidcVerifier returns a verifier of the signatures of cfg's provider.
// go-oidc checks the signature (RS256 or ES256, a key of the JWKS, fetched
// again for an unknown key id); the claims are checked by claimsPrincipal.
func oidcVerifier(cfg AuthConfig) (*oidc.IDTokenVerifier, error) {
	vc := &oidc.Config{
		SupportedSigningAlgs: []string{oidc.RS256, oidc.ES256},
		// claimsPrincipal checks these, with clear messages and cfg.Now.
		SkipClientIDCheck: true, SkipExpiryCheck: true, SkipIssuerCheck: true,
	}
	if cfg.JWKSURL != "" {
		return oidc.NewVerifier(cfg.OIDCIssuer, oidc.NewRemoteKeySet(context.Background(), cfg.JWKSURL), vc), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, cfg.OIDCIssuer)
	if err != nil {
		return nil, fmt.Errorf("auth: discover the keys of %s (or set the JWKS URL): %w", cfg.OIDCIssuer, err)
	}
	return p.VerifierContext(context.Background(), vc), nil
}

// hs256 checks an HS256 signature with the secret.
func (a *authenticator) hs256(_ context.Context, raw string) (map[string]any, error) {
	var cl jwt.MapClaims
	_, err := jwt.ParseWithClaims(raw, &cl, func(*jwt.Token) (any, error) { return a.cfg.HS256Secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithoutClaimsValidation())
	if err != nil {
		return nil, err
	}
	return cl, nil
}

// verify checks "Bearer <token>" and returns its principal, or an
// UNAUTHENTICATED error that says what is wrong without echoing the token.
func (a *authenticator) verify(ctx context.Context, header string) (tracegraph.Principal, error) {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if raw = strings.TrimSpace(raw); !ok || raw == "" {
		return tracegraph.Principal{}, tracegraph.Errorf(tracegraph.CodeUnauthenticated, "", "a bearer token is required (Authorization: Bearer <token>)")
	}
	cl, err := a.signature(ctx, raw)
	if err != nil {
		if a.cfg.OIDCIssuer != "" {
			// Could be the provider (its JWKS unreachable): say so in the
			// log. go-oidc's messages do not quote the token.
			a.log.WarnContext(ctx, "auth: token signature not verified", "issuer", a.cfg.OIDCIssuer, "err", err)
		}
		return tracegraph.Principal{}, unauthenticated("its signature does not verify (malformed, another key, or an algorithm other than %s)", a.algs())
	}
	return a.principal(cl)
}

func (a *authenticator) algs() string {
	if len(a.cfg.HS256Secret) > 0 {
		return "HS256"
	}
	return "RS256 or ES256"
}

func unauthenticated(format string, args ...any) error {
	return tracegraph.Errorf(tracegraph.CodeUnauthenticated, "", "the bearer token is not valid: "+format, args...)
}

// principal checks the claims of a token whose signature verified (expiry,
// not-before, issued-at, issuer, audience, lifetime, subject) and returns
// the principal they name.
func (a *authenticator) principal(cl map[string]any) (tracegraph.Principal, error) {
	now := a.cfg.Now()
	exp, hasExp, err := numericDate(cl, "exp")
	switch {
	case err != nil:
		return tracegraph.Principal{}, err
	case !hasExp:
		return tracegraph.Principal{}, unauthenticated("it has no expiry (exp)")
	case !now.Before(exp.Add(tokenLeeway)):
		return tracegraph.Principal{}, unauthenticated("it has expired")
	}
	nbf, hasNbf, err := numericDate(cl, "nbf")
	if err != nil {
		return tracegraph.Principal{}, err
	}
	if hasNbf && now.Add(tokenLeeway).Before(nbf) {
		return tracegraph.Principal{}, unauthenticated("it is not valid yet (nbf)")
	}
	iat, hasIat, err := numericDate(cl, "iat")
	if err != nil {
		return tracegraph.Principal{}, err
	}
	if hasIat && now.Add(tokenLeeway).Before(iat) {
		return tracegraph.Principal{}, unauthenticated("it is issued in the future (iat)")
	}
	if !hasIat && !hasNbf {
		return tracegraph.Principal{}, unauthenticated("it has neither iat nor nbf, so its lifetime is unknown")
	}
	for _, start := range []struct {
		has bool
		at  time.Time
	}{{hasIat, iat}, {hasNbf, nbf}} {
		if start.has && exp.Sub(start.at) > a.cfg.MaxTokenLifetime {
			return tracegraph.Principal{}, unauthenticated("it lives %s, longer than the %s allowed", exp.Sub(start.at), a.cfg.MaxTokenLifetime)
		}
	}
	if a.cfg.OIDCIssuer != "" {
		if iss, _ := cl["iss"].(string); iss != a.cfg.OIDCIssuer {
			return tracegraph.Principal{}, unauthenticated("it is not issued by %s (iss)", a.cfg.OIDCIssuer)
		}
	}
	if a.cfg.Audience != "" && !audienceHas(cl["aud"], a.cfg.Audience) {
		return tracegraph.Principal{}, unauthenticated("it is not meant for %s (aud)", a.cfg.Audience)
	}
	sub, ok := cl["sub"].(string)
	if _, present := cl["sub"]; present && !ok {
		return tracegraph.Principal{}, unauthenticated("its subject (sub) is not a string")
	}
	if len(sub) > tracegraph.MaxKeyLen || strings.ContainsFunc(sub, unicode.IsControl) || strings.TrimSpace(sub) != sub {
		return tracegraph.Principal{}, unauthenticated("its subject (sub) is longer than %d bytes or has control characters or surrounding spaces", tracegraph.MaxKeyLen)
	}
	return tracegraph.Principal{Subject: sub, Roles: roles(claimAt(cl, a.cfg.RolesClaim))}, nil
}

// maxNumericDate is the latest NumericDate a token may carry (year 5138).
const maxNumericDate = 1e11

// numericDate reads a JWT NumericDate claim (seconds since 1970).
func numericDate(cl map[string]any, name string) (time.Time, bool, error) {
	v, ok := cl[name]
	if !ok || v == nil {
		return time.Time{}, false, nil
	}
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case json.Number:
		var err error
		if f, err = n.Float64(); err != nil {
			return time.Time{}, false, unauthenticated("its %s is not a number", name)
		}
	default:
		return time.Time{}, false, unauthenticated("its %s is not a number", name)
	}
	if f < 0 || f > maxNumericDate {
		return time.Time{}, false, unauthenticated("its %s is out of range", name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

// audienceHas reports whether an aud claim (a string or a list) names want.
func audienceHas(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, x := range a {
			if s, _ := x.(string); s == want {
				return true
			}
		}
	}
	return false
}

// claimAt follows a dotted path ("realm_access.roles") into the claims; nil
// when it leads nowhere.
func claimAt(cl map[string]any, path string) any {
	var v any = cl
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// roles returns the roles a claim value names: a list of strings or one
// space-separated string. Names that are not roles are left out.
func roles(v any) []tracegraph.Role {
	var names []string
	switch x := v.(type) {
	case string:
		names = strings.Fields(x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				names = append(names, s)
			}
		}
	}
	var out []tracegraph.Role
	for _, n := range names {
		if r, ok := tracegraph.ParseRole(n); ok {
			out = append(out, r)
		}
	}
	return out
}
