package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/cyphertest"
)

// TestArchiveNeo4j: the Neo4j store's backup is its archived log. An
// embedded store's log, exported, replays into an empty Neo4j database with
// every seq and hash (import --keep-seq); Neo4j's log exported again is the
// same archive byte for byte, and it replays into an empty embedded store
// that verifies intact at the same head.
func TestArchiveNeo4j(t *testing.T) {
	dst := cyphertest.Open(t, nil) // empties the test database
	cfg := cyphertest.Config(t)
	t.Setenv("TRACEGRAPH_NEO4J_PASSWORD", cfg.Password)
	neo := []string{"--store", "neo4j", "--neo4j-uri", cfg.URI, "--neo4j-user", cfg.User}
	if cfg.Database != "" {
		neo = append(neo, "--neo4j-database", cfg.Database)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	gen := newRootCmd()
	var factory bytes.Buffer
	gen.SetOut(&factory)
	gen.SetArgs([]string{"generate", "--units", "20", "--seed", "5"})
	if err := gen.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "factory.ndjson"), factory.Bytes(), 0o644)
	if out, err := run(t, "import", "--data", data, "--quiet", filepath.Join(dir, "factory.ndjson")); err != nil {
		t.Fatalf("import: %s %v", out, err)
	}
	archive, err := run(t, "export-log", "--data", data)
	if err != nil || strings.Count(archive, "\n") < 300 {
		t.Fatalf("export-log = %d lines, %v", strings.Count(archive, "\n"), err)
	}
	file := filepath.Join(dir, "log.ndjson")
	os.WriteFile(file, []byte(archive), 0o644)

	out, err := run(t, append([]string{"import", "--keep-seq", "--batch", "400"}, append(neo, file)...)...)
	if err != nil {
		t.Fatalf("import --keep-seq into Neo4j: %s %v", out, err)
	}
	seq, hash, _ := dst.Head(context.Background())
	last := archive[strings.LastIndex(strings.TrimSuffix(archive, "\n"), "\n")+1:]
	if !strings.Contains(last, `"hash":"`+hash+`"`) || !strings.Contains(out, hash) {
		t.Fatalf("Neo4j head %d %s after the replay; the archive ends with %s", seq, hash, last)
	}
	rep, err := dst.Verify(context.Background(), tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("Verify on Neo4j = %+v, %v", rep, err)
	}
	again, err := run(t, append([]string{"export-log"}, neo...)...)
	if err != nil || again != archive {
		t.Fatalf("Neo4j's log exported (%d bytes, %v) is not the archive (%d bytes)", len(again), err, len(archive))
	}
	back := filepath.Join(dir, "back")
	if out, err := run(t, "import", "--keep-seq", "--data", back, file); err != nil {
		t.Fatalf("import --keep-seq: %s %v", out, err)
	}
	if out, err := run(t, "verify", "--data", back, "--quiet"); err != nil || !strings.Contains(out, ":"+hash+",") {
		t.Fatalf("verify of the replay = %q, %v", out, err)
	}
}
