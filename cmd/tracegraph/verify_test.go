package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

const verifyEvents = `{"id":"l1","type":"lot.received","time":"2026-03-02T08:00:00Z","data":{"lot":"L1","partNumber":"R-10K"}}
{"id":"u1","type":"unit.created","time":"2026-03-02T08:01:00Z","data":{"serial":"U1","partNumber":"PCBA"}}
{"id":"m1","type":"material.consumed","time":"2026-03-02T08:02:00Z","data":{"unit":"U1","lot":"L1"}}
`

// importedStore imports verifyEvents into a new embedded store and returns
// its directory and head.
func importedStore(t *testing.T) (string, tracegraph.Anchor) {
	t.Helper()
	dir := t.TempDir()
	data, file := filepath.Join(dir, "data"), filepath.Join(dir, "events.ndjson")
	if err := os.WriteFile(file, []byte(verifyEvents), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "import", "--data", data, "--quiet", file); err != nil {
		t.Fatalf("import = %q, %v", out, err)
	}
	s, err := embedded.Open(data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seq, hash, err := s.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return data, tracegraph.Anchor{Seq: seq, Hash: hash}
}

// TestVerifyExpectHead: verify --expect-head is intact for the store's own
// head and NOT INTACT (exit status 1) for another, on the store directly
// and through a running service (--url).
func TestVerifyExpectHead(t *testing.T) {
	data, head := importedStore(t)
	other := tracegraph.Anchor{Seq: head.Seq, Hash: strings.Repeat("0", 64)}

	s, hs := serveStore(t)
	// The service records the same events (at its own recordedAt: it has a
	// head of its own).
	for _, line := range strings.Split(strings.TrimSpace(verifyEvents), "\n") {
		ev, err := tracegraph.DecodeEvent([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(context.Background(), []*tracegraph.Event{ev}, tracegraph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	seq, hash, _ := s.Head(context.Background())
	live := tracegraph.Anchor{Seq: seq, Hash: hash}

	tests := []struct {
		name string
		args []string
		want string // the output starts with it
		ok   bool
	}{
		{"its own head", []string{"--data", data, "--expect-head", head.String()}, "intact: 3 events, head " + head.String(), true},
		{"another head", []string{"--data", data, "--expect-head", other.String()}, "NOT INTACT: 3 events checked", false},
		{"past the end", []string{"--data", data, "--expect-head", tracegraph.Anchor{Seq: 4, Hash: head.Hash}.String()}, "NOT INTACT", false},
		{"a service, its own head", []string{"--url", hs.URL, "--expect-head", live.String()}, "intact: 3 events, head " + live.String(), true},
		{"a service, another head", []string{"--url", hs.URL, "--expect-head", other.String()}, "NOT INTACT", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(t, append([]string{"verify", "--quiet"}, tt.args...)...)
			var exit exitError
			if tt.ok && err != nil || !tt.ok && !errors.As(err, &exit) || !strings.HasPrefix(out, tt.want) {
				t.Fatalf("verify %s = %q, %v; want %q and ok %v", strings.Join(tt.args, " "), out, err, tt.want, tt.ok)
			}
		})
	}
	if _, err := run(t, "verify", "--data", data, "--expect-head", "3:nothex"); err == nil || !strings.Contains(err.Error(), "--expect-head") {
		t.Fatalf("verify --expect-head 3:nothex = %v, want an error naming --expect-head", err)
	}
	t.Setenv("TRACEGRAPH_NEO4J_URI", "") // the environment twin would give one
	if _, err := run(t, "verify", "--store", "neo4j"); err == nil || !strings.Contains(err.Error(), "--neo4j-uri") {
		t.Fatalf("verify --store neo4j without a URI = %v, want an error asking for --neo4j-uri", err)
	}
}
