package bench

import (
	"fmt"
	"reflect"

	"github.com/tracegraph/tracegraph/factory"
)

// setSite gives client c its own site code, so that concurrent clients send
// independent streams, when the factory supports sites.
func setSite(fc *factory.Config, c int) error {
	v := reflect.ValueOf(fc).Elem().FieldByName("Site")
	if !v.IsValid() {
		return fmt.Errorf("several ingest clients need factory.Config.Site (not built yet); use one client")
	}
	v.SetString(fmt.Sprintf("C%d", c))
	return nil
}
