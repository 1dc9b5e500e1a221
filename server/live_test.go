package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
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
	status, resp := ts.postEvents(t, []byte(`{"id":"s1","type":"unit.created","time":"2026-03-04T08:00:00Z","data":{"serial":"LIVE-1","partNumber":"700-A"}}`), "application/x-ndjson", "", "")
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
