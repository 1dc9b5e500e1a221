package bench

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/tracegraph/tracegraph/server"
)

// servedGC gives the collector the setting of `tracegraph serve` (unless
// GOGC is set) for a row that measures the served server, and says which
// setting it runs with; restore puts the previous one back.
func servedGC() (label string, restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return "GOGC=" + os.Getenv("GOGC"), func() {}
	}
	percent := debug.SetGCPercent(server.ServiceGCPercent)
	return fmt.Sprintf("GOGC=%d as served", server.ServiceGCPercent), func() { debug.SetGCPercent(percent) }
}
