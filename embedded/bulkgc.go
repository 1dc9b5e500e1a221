package embedded

import (
	"os"
	"runtime/debug"
)

// BulkGCPercent is the garbage collector's percent of a bulk load (import
// --bulk; BulkGC): a load allocates gigabytes of short-lived objects (the
// rules' overlays, decoded events, records) while its live heap, the
// topology, grows slowly, and Go's default (100) collected every time the
// heap doubled (docs/bench-write.md, "Fourth pass").
const BulkGCPercent = 400

// bulkMemoryShare is the share of the machine's memory a bulk load's heap
// may reach before the collector runs whatever BulkGCPercent says: at the
// M factory the live heap is several gigabytes, and four times that would
// not fit beside the rest.
const bulkMemoryShare = 4

// BulkGC sets the collector of this process for a bulk load: percent
// BulkGCPercent and a soft memory limit of a quarter of the machine's
// memory (lower if one is set lower). It returns the function that
// restores the settings. Nothing changes when GOGC is set: then the user
// decides.
func BulkGC() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	percent := debug.SetGCPercent(BulkGCPercent)
	limit := debug.SetMemoryLimit(-1)
	if total := machineMemory(); total > 0 {
		debug.SetMemoryLimit(min(limit, total/bulkMemoryShare))
	}
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	}
}
