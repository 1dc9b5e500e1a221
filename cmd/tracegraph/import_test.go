package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

// TestImportCountsAsTheService: the same body sent to a running service,
// once as POST /api/v1/events and once through import --url, is counted
// alike: the same event again is a duplicate, an id reused with other
// content a rejection, and with atomic a line that does not decode aborts
// the rest (import used to apply the rest). A file may be a JSON array, as
// a body may.
func TestImportCountsAsTheService(t *testing.T) {
	_, hs := serveStore(t)

	const (
		first = `{"id":"u1","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S-1","partNumber":"P"}}` + "\n"
		other = `{"id":"u1","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S-2","partNumber":"P"}}` + "\n"
		fresh = `{"id":"u3","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S-3","partNumber":"P"}}` + "\n"
	)
	post := func(body, query string) map[string]any {
		t.Helper()
		resp, err := http.Post(hs.URL+"/api/v1/events"+query, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ans map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
			t.Fatal(err)
		}
		return ans
	}
	if ans := post(first, ""); ans["accepted"] != 1.0 {
		t.Fatalf("POST first = %v, want accepted 1", ans)
	}
	file := filepath.Join(t.TempDir(), "events.ndjson")
	for _, tc := range []struct {
		name, body    string
		atomic        bool
		acc, dup, rej float64
		printed       string
	}{
		{"same content", first, false, 0, 1, 0, "0 accepted, 1 duplicate, 0 rejected"},
		{"other content", other, false, 0, 0, 1, "0 accepted, 0 duplicate, 1 rejected"},
		{"atomic with a bad line", fresh + "not json\n", true, 0, 0, 2, "0 accepted, 0 duplicate, 2 rejected"},
		{"a JSON array", "[" + first + "]", false, 0, 1, 0, "0 accepted, 1 duplicate, 0 rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			query, args := "", []string{"import", "--quiet", "--url", hs.URL}
			if tc.atomic {
				query, args = "?atomic=true", append(args, "--atomic")
			}
			ans := post(tc.body, query)
			if ans["accepted"] != tc.acc || ans["duplicates"] != tc.dup || ans["rejected"] != tc.rej {
				t.Errorf("POST = %v, want %v accepted, %v duplicates, %v rejected", ans, tc.acc, tc.dup, tc.rej)
			}
			if err := os.WriteFile(file, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := run(t, append(args, file)...)
			var exit exitError
			if !strings.Contains(out, tc.printed) || (tc.rej > 0) != errors.As(err, &exit) {
				t.Errorf("import --url = %q, %v; want %q", out, err, tc.printed)
			}
		})
	}
}

// serveStore runs a service over an empty embedded store until the test
// ends.
func serveStore(t *testing.T) (*embedded.Store, *httptest.Server) {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv, err := server.New(server.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return s, hs
}
