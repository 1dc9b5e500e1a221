package bench_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/bench"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
)

// smallConfig is a run of every row on a 200-unit factory, with its stores
// and scratch files under dir.
func smallConfig(dir string) bench.Config {
	data := filepath.Join(dir, "data")
	return bench.Config{Units: 200, Seed: 1, Samples: 40, IngestClients: 2, IngestEvents: 300, HTTPQueries: 40,
		FactsFile: filepath.Join(data, "bench-facts.json"), StoreDir: data, ScratchDir: dir,
		Open: func(ctx context.Context, bulk bool) (tracegraph.Store, error) {
			return embedded.Open(data, embedded.Options{Bulk: bulk})
		},
		OpenFresh: func(ctx context.Context) (tracegraph.Store, func(), error) {
			tmp, err := os.MkdirTemp(dir, "fresh-")
			if err != nil {
				return nil, nil, err
			}
			s, err := embedded.Open(tmp, embedded.Options{})
			if err != nil {
				return nil, nil, err
			}
			return s, func() { s.Close(); os.RemoveAll(tmp) }, nil
		}}
}

var number = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)

// firstNumber is the first number written in s (-1 if none).
func firstNumber(s string) float64 {
	m := number.FindString(s)
	if m == "" {
		return -1
	}
	f, _ := strconv.ParseFloat(m, 64)
	return f
}

// TestRunEveryRow runs every row on a small factory: each of issue 14's rows
// is in the report with a figure, a floor or peer and their ratio, all
// non-zero; without PostgreSQL (or with one that does not answer) and
// without serve, those rows say they were not measured, and never carry a
// number. With TRACEGRAPH_PG_DSN set the PostgreSQL row is measured too.
func TestRunEveryRow(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a factory and runs servers")
	}
	ctx := context.Background()
	dir := t.TempDir()
	cfg := smallConfig(dir)
	cfg.PostgresDSN = "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2" // nothing listens there
	cfg.ProfileDir = filepath.Join(dir, "profiles")
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range bench.Rows() { // a CPU profile of each row
		if st, err := os.Stat(filepath.Join(cfg.ProfileDir, row+".cpu.pprof")); err != nil || st.Size() == 0 {
			t.Errorf("profile of %s: %v", row, err)
		}
	}
	cfg.ProfileDir = ""
	md := rep.Markdown()
	t.Log("\n" + md)
	rows := map[string]*bench.Figure{}
	for _, f := range rep.Figures {
		rows[f.Name] = f
	}
	find := func(prefix string) *bench.Figure {
		t.Helper()
		for name, f := range rows {
			if strings.HasPrefix(name, prefix) {
				return f
			}
		}
		t.Fatalf("no row %q in\n%s", prefix, md)
		return nil
	}
	for _, prefix := range []string{"bulk import", "durable ingest over HTTP", "durable ingest through Store.Apply",
		"README genealogy over HTTP GraphQL"} {
		f := find(prefix)
		for what, s := range map[string]string{"figure": f.Value, "floor": f.Floor, "ratio": f.Ratio} {
			if f.Skipped || firstNumber(s) <= 0 {
				t.Errorf("%s: %s %q, want a non-zero number", f.Name, what, s)
			}
		}
	}
	// Every client sends all its events.
	for _, prefix := range []string{"durable ingest over HTTP", "durable ingest through Store.Apply"} {
		if f := find(prefix); !strings.Contains(f.Value, "2 clients, batches of 50, 600 events in") {
			t.Errorf("%s: %q, want 2 clients × 300 events", f.Name, f.Value)
		}
	}
	// The floors the brief names, each with its unit.
	for prefix, want := range map[string][]string{
		"bulk import":                        {"edges/s", "events/s", "Pebble taking", "keys/s", "decoding the same NDJSON alone"},
		"durable ingest over HTTP":           {"fsyncs/s", "at 50 per fsync"},
		"README genealogy over HTTP GraphQL": {"q/s", "p99", "CPU per query", "__typename", "Trace+Nodes"},
	} {
		f := find(prefix)
		for _, w := range want {
			if !strings.Contains(f.Value+f.Floor, w) {
				t.Errorf("%s: %q and %q lack %q", f.Name, f.Value, f.Floor, w)
			}
		}
	}
	for _, prefix := range []string{"topology memory", "upstream genealogy", "recall with the full rollup"} {
		if f := find(prefix); f.Skipped || firstNumber(f.Value) <= 0 {
			t.Errorf("%s: %q, want a figure", f.Name, f.Value)
		}
	}
	for prefix, why := range map[string]string{
		"genealogy vs PostgreSQL": "not measured: no PostgreSQL",
		"demo start":              "not measured: no `serve --demo`",
	} {
		f := find(prefix)
		if !f.Skipped || !strings.HasPrefix(f.Value, why) || f.Floor != "" || f.Ratio != "" || f.Met {
			t.Errorf("%s: %+v, want %q and nothing measured", f.Name, f, why)
		}
		if !strings.Contains(md, "| "+f.Value+" | — | — | "+f.Target+" | not measured |") {
			t.Errorf("the report's row of %s does not say it was not measured:\n%s", f.Name, md)
		}
	}

	// No PostgreSQL named at all; and, when one is, measured.
	cfg.PostgresDSN, cfg.Only = "", []string{"postgres"}
	rep, err = bench.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Figures) != 1 || !strings.HasPrefix(rep.Figures[0].Value, "not measured: no PostgreSQL") {
		t.Errorf("--only postgres without a DSN: %+v", rep.Figures)
	}
	if dsn := os.Getenv("TRACEGRAPH_PG_DSN"); dsn != "" {
		cfg.PostgresDSN = dsn
		rep, err := bench.Run(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		f := rep.Figures[0]
		t.Logf("%s | %s | %s", f.Value, f.Floor, f.Ratio)
		if f.Skipped || f.Note != "" || firstNumber(f.Value) <= 0 || firstNumber(f.Floor) <= 0 || !strings.Contains(f.Ratio, "p99") {
			t.Errorf("postgres row with %s: %+v", dsn, f)
		}
	}
}

// TestOnlyUnknownRow: a row name that does not exist is refused before
// anything is loaded or measured.
func TestOnlyUnknownRow(t *testing.T) {
	dir := t.TempDir()
	cfg := smallConfig(dir)
	cfg.Only = []string{"http", "ingset"}
	_, err := bench.Run(context.Background(), cfg)
	if tracegraph.ErrorCode(err) != tracegraph.CodeInvalid || !strings.Contains(err.Error(), `"ingset" is not a row`) {
		t.Fatalf("Run(--only ingset) = %v, want INVALID naming the row", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("the store was created (%v): nothing may be loaded for a refused --only", err)
	}
}

// TestAdopt: a store loaded without bench (the factory's events applied as
// generate | import --bulk would) is measured with --adopt, its facts from a
// dry run of the generator; a store that holds another factory is refused.
func TestAdopt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := smallConfig(dir)
	cfg.Units, cfg.Only = 60, []string{"import", "genealogy", "recall"}
	s, err := cfg.Open(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	var batch []*tracegraph.Event
	if _, err := factory.Generate(ctx, factory.Config{Units: cfg.Units, Seed: cfg.Seed}, func(e *tracegraph.Event) error {
		batch = append(batch, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, batch, tracegraph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	other := cfg
	other.Units, other.Adopt = 61, true
	if _, err := bench.Run(ctx, other); tracegraph.ErrorCode(err) != tracegraph.CodeInvalid || !strings.Contains(err.Error(), "not this factory") {
		t.Fatalf("adopting a store of another factory: %v, want INVALID, not this factory", err)
	}
	if _, err := bench.Run(ctx, cfg); err == nil || !strings.Contains(err.Error(), "no facts file") {
		t.Fatalf("without --adopt: %v, want the store refused (it holds events bench did not load)", err)
	}
	cfg.Adopt = true
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]*bench.Figure{}
	for _, f := range rep.Figures {
		rows[strings.SplitN(f.Name, " ", 2)[0]] = f
	}
	if f := rows["bulk"]; f == nil || !f.Skipped || !strings.Contains(f.Value, "adopted") {
		t.Errorf("import row = %+v, want not measured (adopted)", f)
	}
	for _, name := range []string{"upstream", "recall"} {
		if f := rows[name]; f == nil || f.Skipped || firstNumber(f.Value) <= 0 {
			t.Errorf("%s row = %+v, want measured on the adopted store", name, f)
		}
	}
}

// TestIngestSharedStore: with one store for both ingest figures (Neo4j's one
// database, IngestSite set), the Store.Apply clients send streams of their
// own, so that none of their events is a duplicate of the HTTP run's.
func TestIngestSharedStore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the HTTP server")
	}
	ctx := context.Background()
	dir := t.TempDir()
	cfg := smallConfig(dir)
	cfg.Only, cfg.IngestSite, cfg.IngestEvents = []string{"ingest"}, "NTEST1", 120
	shared, err := embedded.Open(filepath.Join(dir, "shared"), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	cfg.OpenFresh = func(ctx context.Context) (tracegraph.Store, func(), error) { return shared, func() {}, nil }
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		t.Fatalf("ingest into one shared store: %v", err)
	}
	ingest := 0
	for _, f := range rep.Figures {
		if strings.HasPrefix(f.Name, "durable ingest") && firstNumber(f.Value) > 0 {
			ingest++
		}
	}
	if ingest != 2 {
		t.Errorf("%d ingest figures measured, want 2 (HTTP and Store.Apply)", ingest)
	}
	seq, _, err := shared.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(2 * cfg.IngestClients * cfg.IngestEvents); seq != want {
		t.Errorf("the shared store holds %d events, want %d (both runs' streams, all accepted)", seq, want)
	}
}
