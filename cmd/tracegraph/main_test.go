package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the tracegraph command line in-process and returns its output.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// TestGenerateImportVerify: what a new user does from the README: generate a
// factory, import it (twice: the second time everything is a duplicate),
// import bad lines (each rejected with its line and reason, exit status 1;
// an id reused with other content is rejected, resent as it was a duplicate),
// and verify the store.
func TestGenerateImportVerify(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file := filepath.Join(dir, "factory.ndjson")

	gen := newRootCmd()
	var ndjson bytes.Buffer
	gen.SetOut(&ndjson)
	gen.SetArgs([]string{"generate", "--units", "300", "--seed", "7"})
	if err := gen.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("generate: %v", err)
	}
	lines := strings.Count(ndjson.String(), "\n")
	if lines < 1000 {
		t.Fatalf("generate --units 300 wrote %d lines, want a factory's worth", lines)
	}
	if err := os.WriteFile(file, ndjson.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := run(t, "import", "--data", data, "--quiet", file)
	if err != nil || !strings.Contains(out, " accepted, 0 duplicate, 0 rejected") {
		t.Fatalf("import = %q, %v; want every event accepted", out, err)
	}
	out, err = run(t, "import", "--data", data, "--quiet", file)
	if err != nil || !strings.HasPrefix(out, "0 accepted, ") || !strings.Contains(out, " duplicate, 0 rejected") {
		t.Fatalf("import again = %q, %v; want every event a duplicate", out, err)
	}

	bad := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(bad, []byte(`{"id":"x1","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serail":"A","partNumber":"P"}}
not json
{"id":"x2","type":"material.consumed","time":"2026-01-01T00:00:00Z","data":{"unit":"NOPE","lot":"L"}}
{"id":"x3","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"NEW-1","partNumber":"P"}}
{"id":"x3","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"NEW-2","partNumber":"P"}}
{"id":"x3","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"NEW-1","partNumber":"P"}}
`), 0o644)
	out, err = run(t, "import", "--data", data, "--quiet", bad)
	var exit exitError
	if !errors.As(err, &exit) {
		t.Fatalf("import of bad lines: err = %v, want exit status 1", err)
	}
	for _, want := range []string{
		`bad.ndjson:1: event "x1": INVALID: data.serail: unknown field "serail"`,
		`bad.ndjson:2: INVALID: malformed JSON`,
		`bad.ndjson:3: event "x2": NOT_FOUND: data.unit`,
		`bad.ndjson:5: event "x3": CONFLICT: event "x3" was recorded`,
		"1 accepted, 1 duplicate, 4 rejected",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import of bad lines printed:\n%s\nwant a line with %q", out, want)
		}
	}

	out, err = run(t, "verify", "--data", data, "--quiet")
	if err != nil || !strings.HasPrefix(out, "intact: ") {
		t.Fatalf("verify = %q, %v; want intact", out, err)
	}
}

// TestFlagsHaveEnvironmentTwins: TRACEGRAPH_DATA sets --data when the flag is
// not given, and the flag wins over it.
func TestFlagsHaveEnvironmentTwins(t *testing.T) {
	data := filepath.Join(t.TempDir(), "from-env")
	t.Setenv("TRACEGRAPH_DATA", data)
	_, err := run(t, "verify", "--quiet")
	if err == nil || !strings.Contains(err.Error(), data) {
		t.Fatalf("verify with TRACEGRAPH_DATA=%s (no store there) = %v, want an error naming that directory", data, err)
	}
	flag := filepath.Join(t.TempDir(), "from-flag")
	_, err = run(t, "verify", "--quiet", "--data", flag)
	if err == nil || !strings.Contains(err.Error(), flag) {
		t.Fatalf("verify --data %s = %v, want an error naming the flag's directory, not the environment's", flag, err)
	}
}

// TestMigrateBatchIsCapped: a --batch past what one Neo4j transaction can
// hold by default is refused before anything is read or written.
func TestMigrateBatchIsCapped(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		batch string
		want  string
	}{
		{"50000", "--batch 50000 is not between 1 and 5000"},
		{"5001", "--batch 5001 is not between 1 and 5000"},
		{"0", "--batch 0 is not between 1 and 5000"},
	} {
		_, err := run(t, "migrate", "--data", data, "--neo4j-uri", "bolt://127.0.0.1:1", "--batch", tc.batch)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "memory") {
			t.Errorf("migrate --batch %s: err = %v, want %q and why", tc.batch, err, tc.want)
		}
	}
}
