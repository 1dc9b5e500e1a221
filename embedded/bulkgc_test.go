package embedded

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestBulkGC: without GOGC, BulkGC sets the collector's percent to
// BulkGCPercent and a memory limit of at most a quarter of the machine's
// memory (never above a limit already set), and its restore puts both back;
// with GOGC set it changes nothing.
func TestBulkGC(t *testing.T) {
	total := machineMemory()
	for _, tc := range []struct {
		name        string
		gogc        string // "" leaves GOGC unset
		limit       int64  // the memory limit before
		wantPercent int
		wantLimit   int64
	}{
		{name: "default", limit: -1, wantPercent: BulkGCPercent, wantLimit: total / bulkMemoryShare},
		{name: "a lower limit set", limit: 64 << 20, wantPercent: BulkGCPercent, wantLimit: 64 << 20},
		{name: "GOGC set", gogc: "100", limit: -1, wantPercent: 77, wantLimit: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.gogc != "" {
				t.Setenv("GOGC", tc.gogc)
			} else if v, set := os.LookupEnv("GOGC"); set {
				t.Setenv("GOGC", v) // restored after the test
				os.Unsetenv("GOGC")
			}
			const percentBefore = 77
			defer debug.SetGCPercent(debug.SetGCPercent(percentBefore))
			limitBefore := debug.SetMemoryLimit(-1)
			defer debug.SetMemoryLimit(limitBefore)
			if tc.limit >= 0 {
				debug.SetMemoryLimit(tc.limit)
			}
			setLimit := debug.SetMemoryLimit(-1)
			wantLimit := tc.wantLimit
			if wantLimit <= 0 || total == 0 {
				wantLimit = setLimit
			}
			restore := BulkGC()
			if got := debug.SetGCPercent(-1); got != tc.wantPercent {
				t.Errorf("percent %d during the load, want %d", got, tc.wantPercent)
			}
			debug.SetGCPercent(tc.wantPercent)
			if got := debug.SetMemoryLimit(-1); got != wantLimit {
				t.Errorf("memory limit %d during the load, want %d", got, wantLimit)
			}
			restore()
			if got := debug.SetGCPercent(-1); got != percentBefore {
				t.Errorf("percent %d after restore, want %d", got, percentBefore)
			}
			debug.SetGCPercent(percentBefore)
			if got := debug.SetMemoryLimit(-1); got != setLimit {
				t.Errorf("memory limit %d after restore, want %d", got, setLimit)
			}
		})
	}
}
