package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
)

// demoCrashEnv names the data directory of the child process
// TestDemoLoadCrash kills.
const demoCrashEnv = "TRACEGRAPH_DEMO_CRASH_DIR"

// crashDemo is the factory TestDemoLoadCrash loads, and the small memtable
// that makes the load flush (and so leave table files) as it goes.
var crashDemo = factory.Config{Units: 400, Seed: demoSeed}

const crashMemTable = 1 << 20

// TestDemoLoadCrash kills a process loading the demo (commits not synced):
// once early, once after the load flushed some of it to
// table files. After each kill the store holds nothing or a consistent
// prefix (verify finds it intact) and the marker says the load was
// interrupted; the next demo start loads the rest, and the store then holds
// what an uninterrupted load holds.
func TestDemoLoadCrash(t *testing.T) {
	if dir := os.Getenv(demoCrashEnv); dir != "" {
		sc := storeConfig{Kind: storeEmbedded, DataDir: dir, MemTableBytes: crashMemTable}
		if _, err := loadDemoDir(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), sc, crashDemo); err != nil {
			t.Fatal(err)
		}
		return
	}
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := filepath.Join(t.TempDir(), "data")
	marker := filepath.Join(dir, demoMarker)
	hasTables := func() bool {
		// Pebble flushes one memtable at a time: once a second table file
		// is being written, the first one is part of the store.
		m, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
		return len(m) >= 2
	}
	hasMarker := func() bool { _, err := os.Stat(marker); return err == nil }
	for round, ready := range []func() bool{hasMarker, hasTables} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDemoLoadCrash$")
		cmd.Env = append(os.Environ(), demoCrashEnv+"="+dir)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		for !ready() {
			select {
			case err := <-exited:
				t.Fatalf("round %d: the load ended before it was killed: %v", round, err)
			case <-time.After(time.Millisecond):
			}
		}
		cmd.Process.Kill()
		<-exited
		if !hasMarker() {
			t.Fatalf("round %d: no %s after the kill", round, demoMarker)
		}
		if round == 1 {
			rep, err := embedded.VerifyDir(ctx, dir, tracegraph.VerifyOptions{})
			if err != nil || !rep.OK() || rep.Events == 0 {
				t.Fatalf("round %d: after the kill, verify = %+v, %v; want an intact prefix", round, rep, err)
			}
			t.Logf("killed after %d events were flushed", rep.Events)
		}
	}

	// The next start finishes the load.
	sc := storeConfig{Kind: storeEmbedded, DataDir: dir}
	if _, err := loadDemoDir(ctx, log, sc, crashDemo); err != nil {
		t.Fatal(err)
	}
	if hasMarker() {
		t.Errorf("%s is left after the load finished", demoMarker)
	}
	want := filepath.Join(t.TempDir(), "data")
	if _, err := loadDemoDir(ctx, log, storeConfig{Kind: storeEmbedded, DataDir: want}, crashDemo); err != nil {
		t.Fatal(err)
	}
	got, wantStats := demoStats(t, dir), demoStats(t, want)
	if got != wantStats {
		t.Errorf("after the interrupted loads the store holds %s, an uninterrupted load %s", got, wantStats)
	}
	// A store that holds data is left alone.
	facts, err := loadDemoDir(ctx, log, sc, crashDemo)
	if err != nil || facts != nil {
		t.Errorf("startDemo on a loaded store = %v, %v; want nothing loaded", facts, err)
	}
}

// loadDemoDir loads the demo cfg into the store in sc.DataDir as serve
// --demo does (startDemo), then closes the store.
func loadDemoDir(ctx context.Context, log *slog.Logger, sc storeConfig, cfg factory.Config) (*factory.Facts, error) {
	facts, store, err := startDemo(ctx, log, sc, cfg)
	if store != nil {
		if cerr := store.Close(); err == nil {
			err = cerr
		}
	}
	return facts, err
}

// demoStats is what the store in dir holds (events, nodes and edges by
// kind), after verify found it intact.
func demoStats(t *testing.T, dir string) string {
	t.Helper()
	ctx := context.Background()
	rep, err := embedded.VerifyDir(ctx, dir, tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("verify %s = %+v, %v; want intact", dir, rep, err)
	}
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d events, nodes %v, edges %v", st.Events, st.Nodes, st.Edges)
}
