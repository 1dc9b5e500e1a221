package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

const dashboard = "https://dash.example.com"

// TestCrossSiteWrites: with auth off, a page of another site must not be
// able to write (place holds, record events) through its visitor's browser.
func TestCrossSiteWrites(t *testing.T) {
	hold := `{"id":"x1","type":"hold.placed","time":"2026-03-04T08:00:00Z","data":{"target":"Unit:PCBA-0001","reason":"csrf"}}`
	mutation := `{"query":"mutation { placeHold(target: \"Unit:PCBA-0001\", reason: \"csrf\") { event { seq } } }"}`
	ts := startScenario(t, func(c *server.Config) { c.AllowedOrigins = []string{dashboard} })
	self := ts.URL
	tests := []struct {
		name        string
		path        string
		contentType string
		origin      string
		body        string
		wantStatus  int
		wantCode    string
	}{
		{"text/plain, another site", "/api/v1/events", "text/plain", "https://evil.example", hold, http.StatusForbidden, "FORBIDDEN"},
		{"text/plain, no Origin", "/api/v1/events", "text/plain", "", hold, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"a form", "/api/v1/events", "application/x-www-form-urlencoded", "", hold, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"no Content-Type", "/api/v1/events", "", "", hold, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"NDJSON from another site", "/api/v1/events", "application/x-ndjson", "https://evil.example", hold, http.StatusForbidden, "FORBIDDEN"},
		{"Origin null", "/api/v1/events", "application/x-ndjson", "null", hold, http.StatusForbidden, "FORBIDDEN"},
		{"a mutation from another site", "/graphql", "application/json", "https://evil.example", mutation, http.StatusForbidden, "FORBIDDEN"},
		{"a mutation as text/plain", "/graphql", "text/plain", "", mutation, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"a containment as text/plain", "/api/v1/containments", "text/plain", "", `{"suspects":["MaterialLot:CAP-A"],"reason":"x"}`, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"the service's own page", "/graphql", "application/json", self, `{"query":"{ stats { events } }"}`, http.StatusOK, ""},
		{"the service's own page behind a proxy", "/graphql", "application/json", "https://trace.example.com", `{"query":"{ stats { events } }"}`, http.StatusOK, ""},
		{"an allowed dashboard", "/graphql", "application/json", dashboard, `{"query":"{ stats { events } }"}`, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _, _ := ts.Store.Head(context.Background())
			h := map[string]string{"Content-Type": tt.contentType, "Origin": tt.origin}
			if tt.origin == "https://trace.example.com" {
				h["X-Forwarded-Host"] = "trace.example.com"
			}
			status, hdr, b := ts.send(t, http.MethodPost, tt.path, h, strings.NewReader(tt.body))
			if tt.wantCode != "" {
				checkAnswer(t, status, b, tt.wantStatus, tt.wantCode, "")
			} else if status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tt.wantStatus, b)
			}
			after, _, _ := ts.Store.Head(context.Background())
			if tt.wantStatus != http.StatusOK && after != before {
				t.Errorf("the store's head moved from %d to %d: a refused write was applied", before, after)
			}
			wantACAO := ""
			if tt.origin == dashboard {
				wantACAO = dashboard
			}
			if got := hdr.Get("Access-Control-Allow-Origin"); got != wantACAO {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, wantACAO)
			}
		})
	}
}

func TestCORSPreflight(t *testing.T) {
	ts := start(t, func(c *server.Config) { c.AllowedOrigins = []string{dashboard, "http://localhost:3000"} })
	tests := []struct {
		origin     string
		wantStatus int
		wantACAO   string
	}{
		{dashboard, http.StatusNoContent, dashboard},
		{"http://localhost:3000", http.StatusNoContent, "http://localhost:3000"},
		{"https://evil.example", http.StatusForbidden, ""},
	}
	for _, tt := range tests {
		for _, path := range []string{"/graphql", "/api/v1/events"} {
			h := map[string]string{"Origin": tt.origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,authorization"}
			status, hdr, b := ts.send(t, http.MethodOptions, path, h, nil)
			if status != tt.wantStatus || hdr.Get("Access-Control-Allow-Origin") != tt.wantACAO {
				t.Errorf("preflight %s from %s: %d, Allow-Origin %q; want %d, %q (%s)", path, tt.origin, status, hdr.Get("Access-Control-Allow-Origin"), tt.wantStatus, tt.wantACAO, b)
			}
			if tt.wantStatus == http.StatusNoContent {
				if m := hdr.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") {
					t.Errorf("Access-Control-Allow-Methods = %q, want POST among them", m)
				}
				if a := strings.ToLower(hdr.Get("Access-Control-Allow-Headers")); !strings.Contains(a, "content-type") || !strings.Contains(a, "authorization") {
					t.Errorf("Access-Control-Allow-Headers = %q, want Content-Type and Authorization", a)
				}
			}
		}
	}
	// A read from another site is answered, without CORS headers: the
	// browser keeps the answer from the page.
	status, hdr, _ := ts.send(t, http.MethodGet, "/healthz", map[string]string{"Origin": "https://evil.example"}, nil)
	if status != http.StatusOK || hdr.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from another site: %d, Allow-Origin %q; want 200 and none", status, hdr.Get("Access-Control-Allow-Origin"))
	}
}

func TestWebsocketOrigin(t *testing.T) {
	ts := start(t, func(c *server.Config) { c.AllowedOrigins = []string{dashboard} })
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/graphql"
	for _, tt := range []struct {
		origin string
		ok     bool
	}{{"https://evil.example", false}, {dashboard, true}, {"", true}} {
		h := http.Header{}
		if tt.origin != "" {
			h.Set("Origin", tt.origin)
		}
		c, resp, err := websocket.Dial(t.Context(), url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
		if (err == nil) != tt.ok {
			t.Errorf("websocket from %q: err %v, want ok %v", tt.origin, err, tt.ok)
		}
		if err == nil {
			_ = c.CloseNow()
		} else if resp != nil && resp.StatusCode != http.StatusForbidden {
			t.Errorf("websocket from %q: status %d, want 403", tt.origin, resp.StatusCode)
		}
	}
}

func TestAllowedOriginsChecked(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tt := range []struct {
		origin string
		ok     bool
	}{
		{"https://dash.example.com", true}, {"http://localhost:3000/", true},
		{"dash.example.com", false}, {"https://dash.example.com/path", false}, {"ftp://x", false}, {"https://", false},
	} {
		_, err := server.New(server.Config{Store: st, Logger: discard(), AllowedOrigins: []string{tt.origin}})
		if (err == nil) != tt.ok {
			t.Errorf("New with allowed origin %q: error %v, want ok %v", tt.origin, err, tt.ok)
		}
	}
}
