package embedded

import (
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// TestPebbleL0Thresholds: a durable store's options (verify's too, which
// opens the files read-only with them) have L0CompactionThreshold 8 and
// L0StopWritesThreshold 24, which Pebble's defaults keep and its checks
// accept; a bulk load keeps its own thresholds.
func TestPebbleL0Thresholds(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		opts                     Options
		compaction, stops, files int
	}{
		{"durable", Options{}, 8, 24, 64},
		{"durable with a small memtable", Options{MemTableBytes: 1 << 20}, 8, 24, 64},
		{"bulk", Options{Bulk: true}, bulkL0CompactionThreshold, 1 << 20, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.CacheBytes = 1 << 20
			po := pebbleOptions(tc.opts)
			defer po.Cache.Unref()
			if po.L0CompactionThreshold != tc.compaction || po.L0StopWritesThreshold != tc.stops {
				t.Errorf("L0 thresholds %d/%d, want %d/%d", po.L0CompactionThreshold, po.L0StopWritesThreshold, tc.compaction, tc.stops)
			}
			po.EnsureDefaults() // keeps them
			if po.L0CompactionFileThreshold != tc.files {
				t.Errorf("L0 file threshold %d, want %d", po.L0CompactionFileThreshold, tc.files)
			}
			if po.L0CompactionThreshold != tc.compaction || po.L0StopWritesThreshold != tc.stops {
				t.Errorf("after EnsureDefaults: L0 thresholds %d/%d", po.L0CompactionThreshold, po.L0StopWritesThreshold)
			}
			if err := po.Validate(); err != nil {
				t.Errorf("options do not validate: %v", err)
			}
		})
	}
}

// TestPebbleL0WaitsForFourSublevels: under the durable store's options,
// three flushes of the same key leave three sublevels of level 0 once
// Pebble has nothing more to do (Pebble's default threshold, 4, compacts
// at two: its score is twice the depth over the threshold), and a fourth
// starts the compaction that empties level 0; 64 files that do not
// overlap are compacted too.
func TestPebbleL0WaitsForFourSublevels(t *testing.T) {
	po := pebbleOptions(Options{CacheBytes: 1 << 20, MemTableBytes: 1 << 20})
	defer po.Cache.Unref()
	db, err := pebble.Open(t.TempDir(), po)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	flush := func(n int, distinct bool) {
		for i := range n {
			k := []byte("k")
			if distinct {
				k = fmt.Appendf(k, "%04d", i)
			}
			if err := db.Set(k, []byte{byte(i)}, pebble.NoSync); err != nil {
				t.Fatal(err)
			}
			if err := db.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	// settled waits until no flush or compaction has run for a while and
	// returns level 0's sublevels.
	settled := func() int32 {
		for quiet := 0; quiet < 5; {
			time.Sleep(20 * time.Millisecond)
			if m := db.Metrics(); m.Compact.NumInProgress == 0 && m.Flush.NumInProgress == 0 {
				quiet++
			} else {
				quiet = 0
			}
		}
		return db.Metrics().Levels[0].Sublevels
	}
	flush(3, false)
	if n := settled(); n != 3 {
		t.Errorf("after 3 flushes level 0 has %d sublevels, want 3 (no compaction yet)", n)
	}
	flush(1, false)
	if n := settled(); n != 0 {
		t.Errorf("after 4 flushes level 0 has %d sublevels, want 0 (compacted)", n)
	}
	// Files that do not overlap (as a bulk import's many files of a few
	// flushes) make one sublevel; 64 of them are compacted.
	flush(70, true)
	settled()
	if n := db.Metrics().Levels[0].TablesCount; n >= 64 {
		t.Errorf("after 70 flushes of distinct keys level 0 holds %d files, want fewer than 64 (compacted)", n)
	}
}
