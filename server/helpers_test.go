package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/cyphertest"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// clock is the fixed time of the events the hold mutations record and of
// recordedAt, so that answers are the same on every run.
func clock() time.Time { return time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC) }

// testServer is a real server on a free port over a real store: the
// embedded store, or Neo4j when the test runs under TestNeo4j.
type testServer struct {
	URL   string
	Store tracegraph.Store
}

// start starts a server over a fresh store (see freshStore); edit changes
// its config. The server stops, and the store closes, when the test ends.
func start(t *testing.T, edit func(*server.Config)) *testServer {
	t.Helper()
	return startWith(t, freshStore(t), edit)
}

// freshStore opens an empty store: the embedded store, or a Neo4j store on
// the emptied test database when t runs under TestNeo4j.
func freshStore(t *testing.T) tracegraph.Store {
	t.Helper()
	if onNeo4j(t) {
		return cyphertest.Open(t, clock)
	}
	st, err := embedded.Open(t.TempDir(), embedded.Options{Clock: clock})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return st
}

func startWith(t *testing.T, st tracegraph.Store, edit func(*server.Config)) *testServer {
	t.Helper()
	cfg := server.Config{Store: st, Now: clock, Logger: discard()}
	if edit != nil {
		edit(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return &testServer{URL: "http://" + ln.Addr().String(), Store: st}
}

// scenario is the small factory of testdata/scenario.ndjson.
func scenario(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "scenario.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startScenario starts a server and loads the scenario through POST /api/v1/events.
func startScenario(t *testing.T, edit func(*server.Config)) *testServer {
	t.Helper()
	ts := start(t, edit)
	status, resp := ts.postEvents(t, scenario(t), "application/x-ndjson", "", "")
	if status != http.StatusOK || resp.Rejected != 0 || resp.Accepted != 34 {
		t.Fatalf("loading the scenario: status %d, %+v", status, resp)
	}
	return ts
}

// do sends a request and returns the status and body.
func (ts *testServer) do(t *testing.T, method, path, contentType, token string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	h := map[string]string{"Content-Type": contentType}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return ts.send(t, method, path, h, bytes.NewReader(body))
}

// send sends a request with the headers given (but those with empty values)
// and returns the answer.
func (ts *testServer) send(t *testing.T, method, path string, headers map[string]string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// postEvents posts a body of events; query is the URL query ("atomic=true").
func (ts *testServer) postEvents(t *testing.T, body []byte, contentType, query, token string) (int, server.EventsResponse) {
	t.Helper()
	path := "/api/v1/events"
	if query != "" {
		path += "?" + query
	}
	status, _, b := ts.do(t, http.MethodPost, path, contentType, token, body)
	var resp server.EventsResponse
	if status == http.StatusOK || status == http.StatusUnprocessableEntity {
		if err := json.Unmarshal(b, &resp); err != nil {
			t.Fatalf("POST %s: %v in %s", path, err, b)
		}
	}
	return status, resp
}

// gqlResponse is a GraphQL response.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	raw    []byte
	status int
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// code returns the extensions.code of the first error, "" when none.
func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	s, _ := r.Errors[0].Extensions["code"].(string)
	return s
}

// gql posts a GraphQL operation to /graphql.
func (ts *testServer) gql(t *testing.T, query string, vars map[string]any, token string) *gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	status, _, b := ts.do(t, http.MethodPost, "/graphql", "application/json", token, body)
	r := &gqlResponse{raw: b, status: status}
	if err := json.Unmarshal(b, r); err != nil {
		t.Fatalf("POST /graphql: status %d, %v in %s", status, err, b)
	}
	return r
}

// data posts a GraphQL operation that must succeed and decodes its data.
func (ts *testServer) data(t *testing.T, query string, vars map[string]any, into any) {
	t.Helper()
	r := ts.gql(t, query, vars, "")
	if len(r.Errors) > 0 {
		t.Fatalf("query failed: %s", r.raw)
	}
	if err := json.Unmarshal(r.Data, into); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
}

// golden compares got (JSON) with testdata/name.golden, indented in the
// answer's own field order; -update rewrites the file.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	buf.WriteByte('\n')
	pretty := buf.Bytes()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, pretty, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s does not exist; run go test ./server/ -update", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pretty, want) {
		t.Errorf("%s differs from %s (run go test ./server/ -update if the change is right):\n%s", name, path, diffLines(string(want), string(pretty)))
	}
}

// diffLines shows the first lines where want and got differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// discard is the tests' logger: silent, or debug logs to stderr with -v.
func discard() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// listen listens on a free port of the loopback interface.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
