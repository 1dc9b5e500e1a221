package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBenchDemoRow: tracegraph bench measures the demo's start through the
// real serve --demo (here with a 150-unit demo factory) from an empty data
// directory to ready, beside generating the same events, and its table has
// the row with both figures and their ratio.
func TestBenchDemoRow(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a factory and starts serve --demo")
	}
	dir := t.TempDir()
	out, err := run(t, "bench", "--units", "150", "--samples", "20", "--data", filepath.Join(dir, "data"),
		"--only", "demo", "--demo-units", "150", "--pg-dsn", "")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, out)
	}
	row := regexp.MustCompile(`(?m)^\| demo start \(.*\) \| ([0-9.]+m?s) \(.*150 units, ([0-9]+) events\) \| generating the same events alone: ([0-9.]+[µm]?s) .* \| ([0-9.]+)× generating's time \| ≤ 5 s \| (yes|\*\*no\*\*) \|$`)
	m := row.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no measured demo row in\n%s", out)
	}
	if m[2] == "0" || m[4] == "0.0" {
		t.Errorf("demo row %q: want events and a ratio", m[0])
	}
	if strings.Count(out, "\n| ") != 2 { // the header and the demo row: --only holds
		t.Errorf("--only demo printed other rows:\n%s", out)
	}
}
