package bench

import (
	"fmt"

	"github.com/tracegraph/tracegraph/factory"
)

// setSite gives ingest client c its own site code, so that concurrent
// clients send independent streams that never collide.
func setSite(fc *factory.Config, c int) error {
	fc.Site = fmt.Sprintf("C%d", c)
	return nil
}
