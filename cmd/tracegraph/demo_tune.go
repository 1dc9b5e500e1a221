package main

import (
	"os"
	"runtime/debug"
)

// demoMemTableBytes is the embedded store's memtable during the demo's bulk
// load (unless the store configuration names one). Pebble flushes once the
// memtables waiting reach half of it: the 10,000-unit demo (about 290 MB of
// memtable data) is flushed once, when the load ends, into one level-0
// sublevel. With the bulk default (256 MiB) it was flushed twice, and the
// store that then serves opened on two overlapping sublevels: Pebble's Open
// waited for their compaction into one level (1.2 s of CPU, 74 MB
// rewritten) before the service could be ready.
const demoMemTableBytes = 1 << 30

// demoHeapPerUnit is the Go heap the demo's load may grow to per unit
// before the collector runs (demoGC): 1 GiB for the 10,000-unit demo, whose
// live heap stays under 250 MB.
const demoHeapPerUnit = 100 << 10

// demoGC turns the collector's pacing by GOGC off for the demo's load of
// units units and lets it run only when the heap reaches a budget of
// demoHeapPerUnit per unit (at least 256 MiB; lower if a memory limit is
// set lower): the load allocates several gigabytes of short-lived objects
// while its live heap grows slowly, and GOGC=400 still collected a dozen
// times. It returns the function that restores the collector's settings.
// Nothing changes when GOGC is set: then the user decides.
func demoGC(units int) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	budget := max(int64(units)*demoHeapPerUnit, 256<<20)
	limit := debug.SetMemoryLimit(-1)
	percent := debug.SetGCPercent(-1)
	debug.SetMemoryLimit(min(limit, budget))
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	}
}
