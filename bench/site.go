package bench

import (
	"fmt"

	"github.com/tracegraph/tracegraph/factory"
)

// setSite gives ingest client c its own site code (after prefix), so that
// concurrent clients send independent streams that never collide.
func setSite(fc *factory.Config, prefix string, c int) error {
	fc.Site = fmt.Sprintf("%sC%d", prefix, c)
	return nil
}
