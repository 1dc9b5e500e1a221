package bench

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tracegraph/tracegraph/factory"
)

// setSite gives ingest client c its own site code (after prefix and the
// letter run, which tells apart the streams of the two ingest figures), so
// that concurrent clients send independent streams that never collide. The
// client's number is in base 36, so that a six-character prefix (tracegraph
// bench --store neo4j) leaves room for 36 clients within a site code's
// eight characters.
func setSite(fc *factory.Config, prefix string, run byte, c int) error {
	fc.Site = fmt.Sprintf("%s%c%s", prefix, run, strings.ToUpper(strconv.FormatInt(int64(c), 36)))
	return nil
}
