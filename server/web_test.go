package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/server"
)

// TestWebApp: the explorer's pages and files come from the binary with their
// content types; client routes fall back to index.html, other unknown paths
// keep the JSON 404; with tokens required, the files stay open while the API
// asks for a token.
func TestWebApp(t *testing.T) {
	ts := startAuth(t, server.AuthConfig{HS256Secret: []byte(testSecret)})

	_, _, index := ts.do(t, http.MethodGet, "/", "", "", nil)
	script := regexp.MustCompile(`src="(/assets/index-[^"]+\.js)"`).FindSubmatch(index)
	style := regexp.MustCompile(`href="(/assets/index-[^"]+\.css)"`).FindSubmatch(index)
	if script == nil || style == nil {
		t.Fatalf("index.html names no script or stylesheet:\n%s", index)
	}

	tests := []struct {
		name, path  string
		wantStatus  int
		wantType    string
		wantBody    string
		wantCaching string
	}{
		{"the app", "/", 200, "text/html; charset=UTF-8", `<div id="root">`, "no-cache"},
		{"a unit's page (client route)", "/node/Unit:SN1", 200, "text/html; charset=UTF-8", `<div id="root">`, "no-cache"},
		{"the recall report (client route)", "/recall?suspect=WaferBatch:W1", 200, "text/html; charset=UTF-8", `<div id="root">`, "no-cache"},
		{"where used (client route)", "/where-used", 200, "text/html; charset=UTF-8", `<div id="root">`, "no-cache"},
		{"the script", string(script[1]), 200, "text/javascript; charset=utf-8", "", "public, max-age=31536000, immutable"},
		{"the stylesheet", string(style[1]), 200, "text/css; charset=utf-8", "", "public, max-age=31536000, immutable"},
		{"GraphiQL", "/graphiql", 200, "text/html; charset=UTF-8", `id="graphiql"`, "no-cache"},
		{"a missing asset", "/assets/nope.js", 404, "application/json", `"code":"NOT_FOUND"`, ""},
		{"an escape from assets", "/assets/../index.html", 404, "application/json", `"code":"NOT_FOUND"`, ""},
		{"the API needs a token", "/graphql?query=%7Bstats%7Bevents%7D%7D", 401, "application/json", `UNAUTHENTICATED`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := ts.do(t, http.MethodGet, tt.path, "", "", nil)
			if status != tt.wantStatus {
				t.Fatalf("GET %s: %d, want %d: %.200s", tt.path, status, tt.wantStatus, body)
			}
			if got := hdr.Get("Content-Type"); !strings.HasPrefix(got, tt.wantType) {
				t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.wantType)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("GET %s: body lacks %q: %.200s", tt.path, tt.wantBody, body)
			}
			if got := hdr.Get("Cache-Control"); got != tt.wantCaching {
				t.Errorf("GET %s: Cache-Control %q, want %q", tt.path, got, tt.wantCaching)
			}
			if strings.HasPrefix(tt.wantType, "text/html") && !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("GET %s: CSP %q", tt.path, hdr.Get("Content-Security-Policy"))
			}
		})
	}
}

// TestGraphiQLExamples: the examples go into GraphiQL's page as JSON that no
// example can break out of.
func TestGraphiQLExamples(t *testing.T) {
	ts := start(t, func(c *server.Config) {
		c.Examples = []server.Example{{Name: "a </script> in a name", Query: "{ stats { events } }", Variables: `{"a": "<b>"}`}}
	})
	_, _, body := ts.do(t, http.MethodGet, "/graphiql", "", "", nil)
	want := `<script id="tracegraph-examples" type="application/json">[{"name":"a \u003c/script\u003e in a name","query":"{ stats { events } }","variables":"{\"a\": \"\u003cb\u003e\"}"}]</script>`
	if !strings.Contains(string(body), want) {
		t.Errorf("GraphiQL page lacks the examples %s:\n%.2000s", want, body)
	}
}
