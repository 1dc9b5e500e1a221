package embedded_test

import (
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestConformanceBulk runs the conformance suite on stores opened for a
// bulk load: they answer as every store does (the duplicate check's filter
// included).
func TestConformanceBulk(t *testing.T) {
	storetest.Run(t, func(t *testing.T) tracegraph.Store {
		s, err := embedded.Open(t.TempDir(), embedded.Options{Bulk: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
