package embedded_test

import (
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestConformance runs the conformance suite every store must pass.
func TestConformance(t *testing.T) {
	storetest.Run(t, opener(embedded.Options{}))
}

// TestConformanceBulk runs the conformance suite on stores opened for a
// bulk load: they answer as every store does (the duplicate check's filter
// of event ids included).
func TestConformanceBulk(t *testing.T) {
	storetest.Run(t, opener(embedded.Options{Bulk: true}))
}

// opener opens stores with opts in fresh directories.
func opener(opts embedded.Options) storetest.Opener {
	return func(t *testing.T) tracegraph.Store {
		s, err := embedded.Open(t.TempDir(), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}
