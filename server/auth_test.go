package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/tracegraph/tracegraph/server"
)

// testSecret is an HS256 secret of the shortest length allowed.
const testSecret = "0123456789abcdef0123456789abcdef"

// claims are a valid token's claims: sub (unless empty), roles, iat now and
// exp in an hour.
func claims(sub string, roles ...string) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "roles": roles}
	if sub != "" {
		c["sub"] = sub
	}
	return c
}

// with returns a copy of c with k set to v, or removed when v is nil.
func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := maps.Clone(c)
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// sign signs c with key, naming kid in the header when not empty.
func sign(t *testing.T, m jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hs signs c with testSecret.
func hs(t *testing.T, c jwt.MapClaims) string {
	return sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", c)
}

func startAuth(t *testing.T, auth server.AuthConfig) *testServer {
	t.Helper()
	return start(t, func(c *server.Config) { c.Auth = auth })
}

// ask asks a reader's query with token and returns the status and the code
// of the answer ("" when it succeeded).
func ask(t *testing.T, ts *testServer, token string) (int, string, []byte) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": `{ stats { nodes } }`})
	status, h, body := ts.do(t, http.MethodPost, "/graphql", "application/json", token, b)
	var r gqlResponse
	_ = json.Unmarshal(body, &r)
	code := r.code()
	if code == "" {
		var e struct{ Error struct{ Code string } }
		_ = json.Unmarshal(body, &e)
		code = e.Error.Code
	}
	if status == http.StatusUnauthorized && h.Get("WWW-Authenticate") == "" {
		t.Errorf("401 without WWW-Authenticate")
	}
	return status, code, body
}

// tokenCase is a token and what the service must say of it: "" accepted,
// otherwise refused UNAUTHENTICATED with this in the message.
type tokenCase struct {
	name, token, refusal string
}

func checkTokens(t *testing.T, ts *testServer, tests []tokenCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, body := ask(t, ts, tt.token)
			if tt.refusal == "" {
				if status != http.StatusOK || code != "" {
					t.Fatalf("status %d code %q, want 200 and no error: %s", status, code, body)
				}
				return
			}
			if status != http.StatusUnauthorized || code != "UNAUTHENTICATED" || !strings.Contains(string(body), tt.refusal) {
				t.Errorf("status %d code %q, want 401 UNAUTHENTICATED saying %q: %s", status, code, tt.refusal, body)
			}
			if tt.token != "" && strings.Contains(string(body), tt.token) {
				t.Errorf("the answer echoes the token: %s", body)
			}
		})
	}
}

func TestAuthConfigRefused(t *testing.T) {
	tests := []struct {
		name string
		auth server.AuthConfig
		want string
	}{
		{"a short HS256 secret", server.AuthConfig{HS256Secret: []byte(testSecret[:31])}, "the HS256 secret is 31 bytes; it must be at least 32"},
		{"both kinds", server.AuthConfig{HS256Secret: []byte(testSecret), OIDCIssuer: "https://idp.example"}, "not both"},
		{"OIDC without audience", server.AuthConfig{OIDCIssuer: "https://idp.example", JWKSURL: "https://idp.example/jwks"}, "audience"},
		{"a JWKS URL with a secret", server.AuthConfig{HS256Secret: []byte(testSecret), JWKSURL: "https://idp.example/jwks"}, "needs an OIDC issuer"},
		{"an audience alone", server.AuthConfig{Audience: "tracegraph"}, "no way to check tokens"},
		{"a bad roles claim", server.AuthConfig{HS256Secret: []byte(testSecret), RolesClaim: "realm_access..roles"}, "roles claim"},
		{"a negative lifetime", server.AuthConfig{HS256Secret: []byte(testSecret), MaxTokenLifetime: -time.Hour}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := server.New(server.Config{Store: nil, Auth: tt.auth})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				// Store nil is refused first: check the auth config alone too.
				err = tt.auth.Check()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check() = %v, want an error saying %q", err, tt.want)
			}
		})
	}
	st := start(t, nil).Store
	if _, err := server.New(server.Config{Store: st, Auth: server.AuthConfig{HS256Secret: []byte("short")}}); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("server.New with a 5-byte secret = %v, want an error saying at least 32", err)
	}
}

func TestHS256Tokens(t *testing.T) {
	ts := startAuth(t, server.AuthConfig{HS256Secret: []byte(testSecret), Audience: "tracegraph"})
	ok := with(claims("alice", "reader"), "aud", "tracegraph")
	now := time.Now()
	checkTokens(t, ts, []tokenCase{
		{"valid", hs(t, ok), ""},
		{"no token", "", "a bearer token is required"},
		{"another secret", sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)), "", ok), "signature does not verify"},
		{"HS512", sign(t, jwt.SigningMethodHS512, []byte(testSecret), "", ok), "signature does not verify"},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", ok), "signature does not verify"},
		{"expired", hs(t, with(with(ok, "exp", now.Add(-time.Hour).Unix()), "iat", now.Add(-2*time.Hour).Unix())), "it has expired"},
		{"no expiry", hs(t, with(ok, "exp", nil)), "no expiry (exp)"},
		{"not valid yet", hs(t, with(ok, "nbf", now.Add(10*time.Minute).Unix())), "not valid yet"},
		{"issued in the future", hs(t, with(ok, "iat", now.Add(10*time.Minute).Unix())), "issued in the future"},
		{"neither iat nor nbf", hs(t, with(ok, "iat", nil)), "neither iat nor nbf"},
		{"lives too long (iat)", hs(t, with(ok, "exp", now.Add(25*time.Hour).Unix())), "longer than the 24h0m0s allowed"},
		{"lives too long (nbf)", hs(t, with(with(with(ok, "iat", nil), "nbf", now.Add(-time.Hour).Unix()), "exp", now.Add(24*time.Hour).Unix())), "longer than the 24h0m0s allowed"},
		{"nbf within the lifetime", hs(t, with(with(ok, "iat", nil), "nbf", now.Add(-time.Minute).Unix())), ""},
		{"no audience", hs(t, with(ok, "aud", nil)), "not meant for tracegraph (aud)"},
		{"another audience", hs(t, with(ok, "aud", []string{"billing"})), "not meant for tracegraph (aud)"},
		{"audience in a list", hs(t, with(ok, "aud", []string{"billing", "tracegraph"})), ""},
		{"a subject with a newline", hs(t, with(ok, "sub", "al\nice")), "subject (sub)"},
		{"a subject that is a number", hs(t, with(ok, "sub", 42)), "subject (sub) is not a string"},
		{"an expiry that is a string", hs(t, with(ok, "exp", "tomorrow")), "its exp is not a number"},
		{"an expiry out of range", hs(t, with(ok, "exp", 1e300)), "its exp is out of range"},
	})
}

func TestHS256LifetimeConfigured(t *testing.T) {
	ts := startAuth(t, server.AuthConfig{HS256Secret: []byte(testSecret), MaxTokenLifetime: 10 * time.Minute})
	now := time.Now()
	checkTokens(t, ts, []tokenCase{
		{"within", hs(t, with(claims("a", "reader"), "exp", now.Add(9*time.Minute).Unix())), ""},
		{"beyond", hs(t, with(claims("a", "reader"), "exp", now.Add(11*time.Minute).Unix())), "longer than the 10m0s allowed"},
	})
}

// idp is an identity provider on loopback: discovery and a JWKS whose keys
// the test replaces (a rotation).
type idp struct {
	*httptest.Server
	mu      sync.Mutex
	keys    []jose.JSONWebKey
	fetches int
}

func newIDP(t *testing.T) *idp {
	t.Helper()
	p := &idp{}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": p.URL, "jwks_uri": p.URL + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.fetches++
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: p.keys})
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

// publish replaces the JWKS with the public keys of keys (kid → key).
func (p *idp) publish(keys map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = nil
	for kid, k := range keys {
		var pub any
		alg := "RS256"
		switch k := k.(type) {
		case *rsa.PrivateKey:
			pub = k.Public()
		case *ecdsa.PrivateKey:
			pub, alg = k.Public(), "ES256"
		}
		p.keys = append(p.keys, jose.JSONWebKey{Key: pub, KeyID: kid, Algorithm: alg, Use: "sig"})
	}
}

func (p *idp) fetched() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fetches
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestOIDCTokens(t *testing.T) {
	p := newIDP(t)
	keyA, keyB, keyX := rsaKey(t), rsaKey(t), rsaKey(t)
	keyE, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p.publish(map[string]any{"a": keyA, "e": keyE})
	ts := startAuth(t, server.AuthConfig{OIDCIssuer: p.URL, JWKSURL: p.URL + "/jwks", Audience: "tracegraph", RolesClaim: "realm_access.roles"})

	// Keycloak puts the realm's roles in realm_access.roles.
	ok := with(with(with(claims("alice"), "roles", nil), "iss", p.URL), "aud", "tracegraph")
	ok["realm_access"] = map[string]any{"roles": []string{"offline_access", "reader"}}
	rs := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodRS256, keyA, "a", c) }
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(keyA.Public()))})
	now := time.Now()
	checkTokens(t, ts, []tokenCase{
		{"RS256", rs(ok), ""},
		{"ES256", sign(t, jwt.SigningMethodES256, keyE, "e", ok), ""},
		{"audience in a list", rs(with(ok, "aud", []string{"account", "tracegraph"})), ""},
		{"another issuer", rs(with(ok, "iss", "https://evil.example")), "is not issued by " + p.URL},
		{"no issuer", rs(with(ok, "iss", nil)), "is not issued by"},
		{"another audience", rs(with(ok, "aud", "account")), "not meant for tracegraph (aud)"},
		{"expired", rs(with(with(ok, "exp", now.Add(-time.Hour).Unix()), "iat", now.Add(-2*time.Hour).Unix())), "it has expired"},
		{"lives too long", rs(with(ok, "exp", now.Add(48*time.Hour).Unix())), "longer than the 24h0m0s allowed"},
		{"neither iat nor nbf", rs(with(ok, "iat", nil)), "neither iat nor nbf"},
		{"a key the provider never published", sign(t, jwt.SigningMethodRS256, keyX, "x", ok), "signature does not verify"},
		{"a published kid, another key", sign(t, jwt.SigningMethodRS256, keyX, "a", ok), "signature does not verify"},
		{"HS256 with the public key as secret", sign(t, jwt.SigningMethodHS256, pubPEM, "a", ok), "signature does not verify"},
		{"RS384", sign(t, jwt.SigningMethodRS384, keyA, "a", ok), "signature does not verify"},
	})

	// The roles come from the configured claim only.
	top := with(with(ok, "realm_access", nil), "roles", []string{"reader"})
	if status, code, body := ask(t, ts, rs(top)); status != http.StatusOK || code != "FORBIDDEN" {
		t.Errorf("roles at the top level with realm_access.roles configured: %d %q, want FORBIDDEN: %s", status, code, body)
	}

	// Rotation: the provider replaces key a with key b. A token signed with b
	// is accepted (the keys are fetched again for the unknown kid), one
	// signed with a no longer is.
	before := p.fetched()
	p.publish(map[string]any{"b": keyB})
	// go-oidc (v3.21.0, RemoteKeySet.keysFromRemote) signals a fetch done
	// before it forgets it, so a request that comes in within that moment
	// (the previous case's fetch, on a loaded machine) is answered with the
	// keys from before the rotation: the token is refused once, and the
	// next request fetches again. Only that refusal is let pass, at most
	// twice.
	newKey := sign(t, jwt.SigningMethodRS256, keyB, "b", ok)
	for try := 1; ; try++ {
		status, code, body := ask(t, ts, newKey)
		if status == http.StatusOK && code == "" {
			break
		}
		if try == 3 || status != http.StatusUnauthorized || !strings.Contains(string(body), "signature does not verify") {
			t.Fatalf("after rotation, the new key (try %d): status %d code %q, want 200: %s", try, status, code, body)
		}
	}
	checkTokens(t, ts, []tokenCase{
		{"after rotation, the old key", rs(ok), "signature does not verify"},
	})
	if p.fetched() <= before {
		t.Errorf("the JWKS was fetched %d times before the rotation and %d after, want more", before, p.fetched())
	}
}

func TestOIDCDiscovery(t *testing.T) {
	p := newIDP(t)
	key := rsaKey(t)
	p.publish(map[string]any{"k1": key})
	ts := startAuth(t, server.AuthConfig{OIDCIssuer: p.URL, Audience: "tracegraph"})
	ok := with(with(claims("bob", "reader"), "iss", p.URL), "aud", "tracegraph")
	checkTokens(t, ts, []tokenCase{
		{"discovered keys", sign(t, jwt.SigningMethodRS256, key, "k1", ok), ""},
		{"another issuer", sign(t, jwt.SigningMethodRS256, key, "k1", with(ok, "iss", "https://evil.example")), "is not issued by"},
	})
	if _, err := server.New(server.Config{Store: ts.Store, Auth: server.AuthConfig{OIDCIssuer: p.URL + "/nowhere", Audience: "tracegraph"}}); err == nil || !strings.Contains(err.Error(), "discover") {
		t.Errorf("server.New with an issuer without discovery = %v, want an error saying discover", err)
	}
}

// TestWebsocketAckHidesToken: the connection_ack of a subscription carries
// nothing of the connection_init payload, the token least of all.
func TestWebsocketAckHidesToken(t *testing.T) {
	ts := startAuth(t, server.AuthConfig{HS256Secret: []byte(testSecret)})
	tok := hs(t, claims("alice", "reader"))
	ctx := t.Context()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	payload, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + tok})
	if err := wsjson.Write(ctx, c, wsMessage{Type: "connection_init", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	_, raw, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var m wsMessage
	if err := json.Unmarshal(raw, &m); err != nil || m.Type != "connection_ack" {
		t.Fatalf("after connection_init: %s, want connection_ack", raw)
	}
	if strings.Contains(string(raw), tok) || strings.Contains(string(raw), "Authorization") {
		t.Errorf("connection_ack = %s, want no token", raw)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
