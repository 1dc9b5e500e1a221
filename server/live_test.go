package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/golang-jwt/jwt/v5"
	"github.com/tracegraph/tracegraph/server"
)

// wsMessage is a graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// subscribe opens a graphql-transport-ws connection and starts query.
func subscribe(t *testing.T, ctx context.Context, ts *testServer, query string, init map[string]any) *websocket.Conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/graphql"
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	payload, _ := json.Marshal(init)
	if err := wsjson.Write(ctx, c, wsMessage{Type: "connection_init", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if m := next(t, ctx, c); m.Type != "connection_ack" {
		t.Fatalf("after connection_init: %s %s, want connection_ack", m.Type, m.Payload)
	}
	sub, _ := json.Marshal(map[string]any{"query": query})
	if err := wsjson.Write(ctx, c, wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		t.Fatal(err)
	}
	return c
}

// next reads the next message that is not a keep-alive.
func next(t *testing.T, ctx context.Context, c *websocket.Conn) wsMessage {
	t.Helper()
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, c, &m); err != nil {
			t.Fatalf("read: %v", err)
		}
		if m.Type != "ping" && m.Type != "pong" && m.Type != "ka" {
			return m
		}
	}
}

func TestSubscription(t *testing.T) {
	ts := startScenario(t, nil)
	ctx := t.Context()
	// after: 34 is the scenario's head, so the subscription sees what comes
	// next however late it starts.
	c := subscribe(t, ctx, ts, `subscription { events(types: ["hold.placed"], after: 34) { seq type time data } }`, nil)

	// Something the subscription must skip, then the event it waits for.
	status, resp := ts.postEvents(t, []byte(`{"id":"s1","type":"unit.created","time":"2026-03-04T08:00:00Z","data":{"serial":"LIVE-1","partNumber":"700-A"}}`), "", "", "")
	if status != http.StatusOK {
		t.Fatalf("POST: %d %+v", status, resp)
	}
	r := ts.gql(t, `mutation { placeHold(target: "Unit:LIVE-1", reason: "dropped on the floor") { event { seq } } }`, nil, "")
	if len(r.Errors) > 0 {
		t.Fatalf("placeHold: %s", r.raw)
	}

	m := next(t, ctx, c)
	if m.Type != "next" {
		t.Fatalf("got %s %s, want next", m.Type, m.Payload)
	}
	const want = `{"data":{"events":{"seq":36,"type":"hold.placed","time":"2026-03-05T12:00:00Z","data":{"target":"Unit:LIVE-1","reason":"dropped on the floor"}}}}`
	if string(m.Payload) != want {
		t.Errorf("subscription sent %s, want %s", m.Payload, want)
	}
}

func token(t *testing.T, secret string, scopes string, exp time.Time) string {
	t.Helper()
	claims := jwt.MapClaims{"sub": "alice", "exp": exp.Unix()}
	if scopes != "" {
		claims["scope"] = scopes
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAuth(t *testing.T) {
	const secret = "s3cret"
	ts := start(t, func(c *server.Config) { c.JWTSecret = []byte(secret) })
	later := time.Now().Add(time.Hour)
	reader := token(t, secret, "read", later)
	writer := token(t, secret, "read write", later)
	if status, resp := ts.postEvents(t, scenario(t), "application/x-ndjson", "", writer); status != http.StatusOK {
		t.Fatalf("loading the scenario: status %d, %+v", status, resp)
	}
	const query = `{ node(id: "Unit:PROD-0001") { id } }`
	const mutation = `mutation { placeHold(target: "Unit:PROD-0003", reason: "audit") { event { operator } } }`
	event := []byte(`{"id":"a1","type":"unit.created","time":"2026-03-04T08:00:00Z","data":{"serial":"AUTH-1","partNumber":"700-A"}}`)

	tests := []struct {
		name       string
		token      string
		query      string
		events     bool
		wantStatus int
		wantCode   string
	}{
		{"no token", "", query, false, http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"a token signed with another secret", token(t, "other", "read write", later), query, false, http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"an expired token", token(t, secret, "read write", time.Now().Add(-time.Hour)), query, false, http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"read token, query", reader, query, false, http.StatusOK, ""},
		{"read token, mutation", reader, mutation, false, http.StatusOK, "FORBIDDEN"},
		{"write token, mutation", writer, mutation, false, http.StatusOK, ""},
		{"no token, events", "", "", true, http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"read token, events", reader, "", true, http.StatusForbidden, "FORBIDDEN"},
		{"write token, events", writer, "", true, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var status int
			var code string
			var body []byte
			if tt.events {
				status, _, body = ts.do(t, http.MethodPost, "/api/v1/events", "application/x-ndjson", tt.token, event)
				var e struct{ Error struct{ Code string } }
				_ = json.Unmarshal(body, &e)
				code = e.Error.Code
			} else {
				b, _ := json.Marshal(map[string]any{"query": tt.query})
				status, _, body = ts.do(t, http.MethodPost, "/graphql", "application/json", tt.token, b)
				var r gqlResponse
				_ = json.Unmarshal(body, &r)
				code = r.code()
				if code == "" {
					var e struct{ Error struct{ Code string } }
					_ = json.Unmarshal(body, &e)
					code = e.Error.Code
				}
			}
			if status != tt.wantStatus || code != tt.wantCode {
				t.Errorf("status %d code %q, want %d %q: %s", status, code, tt.wantStatus, tt.wantCode, body)
			}
		})
	}

	// The hold placed with the write token names its subject as operator.
	var d struct {
		Node struct {
			Events []struct{ Type, Operator string }
		}
	}
	b, _ := json.Marshal(map[string]any{"query": `{ node(id: "Unit:PROD-0003") { ... on Unit { events { type operator } } } }`})
	_, _, body := ts.do(t, http.MethodPost, "/graphql", "application/json", reader, b)
	var r gqlResponse
	if err := json.Unmarshal(body, &r); err != nil || json.Unmarshal(r.Data, &d) != nil {
		t.Fatalf("events: %s", body)
	}
	last := d.Node.Events[len(d.Node.Events)-1]
	if last.Type != "hold.placed" || last.Operator != "alice" {
		t.Errorf("last event of PROD-0003 = %+v, want hold.placed by alice", last)
	}

	// Health, metrics and the IDE need no token (readiness neither: see TestOps).
	for _, path := range []string{"/healthz", "/metrics", "/graphiql"} {
		if status, _, _ := ts.do(t, http.MethodGet, path, "", "", nil); status != http.StatusOK {
			t.Errorf("GET %s without a token: %d, want 200", path, status)
		}
	}

	// A subscription authenticates in its connection_init payload.
	ctx := t.Context()
	c := subscribe(t, ctx, ts, `subscription { events(after: 0) { seq } }`, map[string]any{"Authorization": "Bearer " + reader})
	if m := next(t, ctx, c); m.Type != "next" || !strings.Contains(string(m.Payload), `"seq":1`) {
		t.Errorf("authenticated subscription: %s %s", m.Type, m.Payload)
	}
}
