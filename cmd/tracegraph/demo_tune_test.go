package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph/factory"
)

// TestDemoGC: during the demo's load the collector runs only at the heap
// budget of the demo's size (or the memory limit, if lower); afterwards
// its settings are those of before; with GOGC set nothing changes.
func TestDemoGC(t *testing.T) {
	const before = 400
	cases := []struct {
		name              string
		gogc              string // "" unset
		units             int
		limit             int64 // the memory limit before
		wantGC, wantLimit int64
	}{
		{"demo", "", demoUnits, math.MaxInt64, -1, demoUnits * demoHeapPerUnit},
		{"a lower limit holds", "", demoUnits, 512 << 20, -1, 512 << 20},
		{"a small demo gets the floor", "", 10, math.MaxInt64, -1, 256 << 20},
		{"GOGC set: untouched", "200", demoUnits, math.MaxInt64, before, math.MaxInt64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GOGC", c.gogc) // restored after the test
			if c.gogc == "" {
				os.Unsetenv("GOGC")
			}
			oldGC, oldLimit := debug.SetGCPercent(before), debug.SetMemoryLimit(c.limit)
			defer func() { debug.SetGCPercent(oldGC); debug.SetMemoryLimit(oldLimit) }()

			restore := demoGC(c.units)
			gotGC, gotLimit := int64(debug.SetGCPercent(-1)), debug.SetMemoryLimit(-1)
			debug.SetGCPercent(int(gotGC))
			restore()
			if gotGC != c.wantGC || gotLimit != c.wantLimit {
				t.Errorf("during the load GOGC %d, limit %d; want %d, %d", gotGC, gotLimit, c.wantGC, c.wantLimit)
			}
			if gc, limit := debug.SetGCPercent(before), debug.SetMemoryLimit(-1); gc != before || limit != c.limit {
				t.Errorf("after the load GOGC %d, limit %d; want %d, %d as before", gc, limit, before, c.limit)
			}
		})
	}
}

// TestDemoLoadFlushesOnce: the demo's load keeps the whole demo in its
// memtables and flushes them once, when it ends, so the store holds one
// flush's tables, side by side in level 0 (none overlaps another): a store
// opened on them has nothing to compact. Flushed more than once, the store
// compacted while the demo loaded, or (bulk load, then open) Pebble's Open
// waited for the compaction of the overlapping tables: 1.2 s of CPU on the
// demo. Loads the whole demo: seconds of CPU.
func TestDemoLoadFlushesOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the 10,000-unit demo")
	}
	dir := filepath.Join(t.TempDir(), "data")
	sc := storeConfig{Kind: storeEmbedded, DataDir: dir}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := loadDemoDir(context.Background(), log, sc, factory.Config{Units: demoUnits, Seed: demoSeed}); err != nil {
		t.Fatal(err)
	}
	db, err := pebble.Open(dir, &pebble.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	levels, err := db.SSTables()
	if err != nil {
		t.Fatal(err)
	}
	for l, tables := range levels[1:] {
		if len(tables) > 0 {
			t.Errorf("level %d holds %d tables: the load compacted", l+1, len(tables))
		}
	}
	l0 := levels[0]
	if len(l0) == 0 {
		t.Fatal("no tables: the load was not flushed")
	}
	slices.SortFunc(l0, func(a, b pebble.SSTableInfo) int { return bytes.Compare(a.Smallest.UserKey, b.Smallest.UserKey) })
	for i := 1; i < len(l0); i++ {
		if bytes.Compare(l0[i-1].Largest.UserKey, l0[i].Smallest.UserKey) >= 0 {
			t.Fatalf("level-0 tables %s and %s overlap: more than one flush", l0[i-1].FileNum, l0[i].FileNum)
		}
	}
}
