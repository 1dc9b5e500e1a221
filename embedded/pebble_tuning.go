package embedded

import "github.com/cockroachdb/pebble/v2"

// Level-0 compaction thresholds of a durable store (docs/bench-write.md,
// "Eighth pass"). Pebble scores level 0 at twice its depth in sublevels
// over L0CompactionThreshold, so its default (4) starts an L0 compaction
// once two flushes of the 64 MiB memtable overlap (about 18 MB of tables).
// Every event writes keys all over the key space (node records, index,
// history and edge keys), so each L0 compaction rewrites nearly the whole
// base level beneath it as well: in durable ingest the compactions wrote
// about twice the bytes the flushes did, with 1.4–2.7 times their CPU. At 8 an
// L0 compaction waits for four sublevels and merges twice the data into
// each rewrite of the base level. 800,000 events of the bench's ingest
// (16 clients into a fresh store) compacted 210–224 MB instead of
// 340–344 MB by the end of the load, and their compactions took 4.6–6.1 s
// of CPU instead of 9.0–9.3 s; with the debt paid as well (the memtable
// flushed, Pebble left to finish, then everything compacted to the last
// level) 420 MB instead of 551 MB.
//
// The price is read amplification: up to 3 sublevels of level 0 stay
// uncompacted instead of 1, each one more file a read looks at (a bloom
// filter probe for a point lookup, one more source an iterator merges).
// L0StopWritesThreshold keeps Pebble's distance between the two (12
// sublevels, six times the depth that starts a compaction): writes stall
// at 24. Compression, filters, file and level sizes stay as they were:
// none of those paid (the doc has the measurements).
//
// L0CompactionFileThreshold (Pebble's default 500) compacts level 0 by its
// file count too: a bulk import leaves its few large flushes in level 0
// for the next Open (bulkL0CompactionThreshold), and the 20,000-unit
// factory's three (89 files, 91 MB) would stay there under the sublevel
// threshold alone, 13 MB more on disk than compacted; at 64 files they are
// compacted at Open as before. Durable ingest reaches 4 sublevels at about
// 40 files, so it changes nothing there (800,000 events: 230 MB compacted
// by the end of the load, 276 MB settled, compactions 5.9 s).
//
// A bulk load (Options.Bulk) keeps its own thresholds
// (bulkL0CompactionThreshold).
const (
	durableL0CompactionThreshold     = 8
	durableL0StopWritesThreshold     = 24
	durableL0CompactionFileThreshold = 64
)

// tuneDurable sets po's thresholds of level 0 for a durable store.
func tuneDurable(po *pebble.Options) {
	po.L0CompactionThreshold = durableL0CompactionThreshold
	po.L0StopWritesThreshold = durableL0StopWritesThreshold
	po.L0CompactionFileThreshold = durableL0CompactionFileThreshold
}
