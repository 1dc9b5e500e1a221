package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/ingest"
	"github.com/tracegraph/tracegraph/report"
)

// openAPIDoc is the part of the OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI string                                 `json:"openapi"`
	Paths   map[string]map[string]openAPIOperation `json:"paths"`
}

type openAPIOperation struct {
	Parameters []struct {
		Name   string `json:"name"`
		In     string `json:"in"`
		Schema struct {
			Enum []string `json:"enum"`
		} `json:"schema"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]any `json:"content"`
	} `json:"requestBody"`
}

func readOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatalf("api.OpenAPI is not JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	return doc
}

func testServer(t *testing.T) *Server {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	echoParam = regexp.MustCompile(`:([A-Za-z]+)`)
	echoAny   = regexp.MustCompile(`/\*$`)
)

// openAPIPath is an echo route's path as OpenAPI writes it: /a/:id →
// /a/{id}, /a/* → /a/{path}.
func openAPIPath(route string) string {
	return echoAny.ReplaceAllString(echoParam.ReplaceAllString(route, "{$1}"), "/{path}")
}

// TestOpenAPIListsEveryRoute: the OpenAPI document describes every route
// the service registers, and nothing else. A route added without its
// description (or a description left after its route) fails here.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	doc := readOpenAPI(t)
	described := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			described[strings.ToUpper(m)+" "+p] = true
		}
	}
	s := testServer(t)
	for _, r := range s.echo.Routes() {
		op := r.Method + " " + openAPIPath(r.Path)
		if !described[op] {
			t.Errorf("route %s %s is not in api/openapi.json (as %s)", r.Method, r.Path, op)
		}
		delete(described, op)
	}
	for op := range described {
		t.Errorf("api/openapi.json describes %s, which the service does not register", op)
	}
}

// TestOpenAPIMatchesTheCode: what the document says of the events and the
// exports is what the code takes: the events' media types, the reports and
// their parameters.
func TestOpenAPIMatchesTheCode(t *testing.T) {
	doc := readOpenAPI(t)
	var types []string
	for mt := range doc.Paths["/api/v1/events"]["post"].RequestBody.Content {
		types = append(types, mt)
	}
	if want := ingest.MediaTypes(); !sameSet(types, want) {
		t.Errorf("POST /api/v1/events takes %v in api/openapi.json, %v in the code", types, want)
	}
	var params, kinds []string
	for _, p := range doc.Paths["/api/v1/export/{kind}"]["get"].Parameters {
		if p.In == "path" {
			kinds = p.Schema.Enum
			continue
		}
		params = append(params, p.Name)
	}
	if !sameSet(kinds, report.Kinds()) {
		t.Errorf("the export kinds are %v in api/openapi.json, %v in the code", kinds, report.Kinds())
	}
	want := []string{"format"}
	for _, k := range report.Kinds() {
		for _, p := range report.Params(k) {
			if !slices.Contains(want, p) {
				want = append(want, p)
			}
		}
	}
	if !sameSet(params, want) {
		t.Errorf("the export parameters are %v in api/openapi.json, %v in the code", params, want)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestWritesRefuseUnknownMediaTypes: every write route that takes a body
// (the OpenAPI document's requestBody) answers 415 UNSUPPORTED_MEDIA_TYPE
// to a body of a type it does not take, before reading it; a write without
// a body in the document is one that reads none.
func TestWritesRefuseUnknownMediaTypes(t *testing.T) {
	doc := readOpenAPI(t)
	s := testServer(t)
	h := s.Handler()
	n := 0
	for _, r := range s.echo.Routes() {
		if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch && r.Method != http.MethodDelete {
			continue
		}
		op := doc.Paths[openAPIPath(r.Path)][strings.ToLower(r.Method)]
		if op.RequestBody == nil {
			if r.Path != "/api/v1/admin/backup" {
				t.Errorf("%s %s takes no body in api/openapi.json; only the backup should", r.Method, r.Path)
			}
			continue
		}
		path := echoParam.ReplaceAllString(r.Path, "x")
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/xml", ""} {
			req := httptest.NewRequest(r.Method, path, strings.NewReader("x"))
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			var body errorBody
			_ = json.Unmarshal(w.Body.Bytes(), &body)
			if w.Code != http.StatusUnsupportedMediaType || body.Error == nil || body.Error.Code != tracegraph.CodeUnsupportedMediaType {
				t.Errorf("%s %s with Content-Type %q = %d %s, want 415 UNSUPPORTED_MEDIA_TYPE", r.Method, path, ct, w.Code, w.Body)
			}
		}
		n++
	}
	if n < 4 {
		t.Errorf("only %d write routes with a body checked", n)
	}
}
