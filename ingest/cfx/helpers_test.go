package cfx

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// namespaces are the CFX namespaces of the SDK's examples (testdata/sdk).
var namespaces = map[string]string{
	"UnitsPersonalized": "CFX.Production.Assembly", "MaterialsInstalled": "CFX.Production.Assembly",
	"MaterialsUninstalled": "CFX.Production.Assembly", "MaterialsLoaded": "CFX.Materials.Storage",
	"MaterialsUnloaded": "CFX.Materials.Storage", "SplicePointDetected": "CFX.Materials.Storage",
	"WorkStarted": "CFX.Production", "WorkCompleted": "CFX.Production", "UnitsProcessed": "CFX.Production.Processing",
	"UnitsTested": "CFX.Production.TestAndInspection", "UnitsInspected": "CFX.Production.TestAndInspection",
	"UnitsRepaired": "CFX.Production.ReworkAndRepair", "UnitsDisqualified": "CFX.Production",
	"EndpointConnected": "CFX",
}

// testStation is the CFX handle the tests' messages come from.
const testStation = "SMTPlus.Model_21232.SN23123"

// sdkBody returns the SDK's example body in testdata/sdk/file, with each
// of replace's old strings replaced by its new one.
func sdkBody(t testing.TB, file string, replace ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sdk", file))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer(replace...).Replace(string(b))
}

// messageOf is the message name of an example file (UnitsTested-2.json:
// CFX.Production.TestAndInspection.UnitsTested).
func messageOf(t testing.TB, file string) string {
	t.Helper()
	short := strings.TrimSuffix(file, ".json")
	short, _, _ = strings.Cut(short, "-")
	ns, ok := namespaces[short]
	if !ok {
		t.Fatalf("no namespace for %s", file)
	}
	return ns + "." + short
}

// envelope wraps body (JSON text, not necessarily valid) in a CFX envelope
// from testStation with uniqueID, at 2018-10-03T16:03:05-04:00 plus
// minutes.
func envelope(message, uniqueID, body string, minutes int) []byte {
	ts := time.Date(2018, 10, 3, 16, 3, 5, 109190900, time.FixedZone("", -4*3600)).Add(time.Duration(minutes) * time.Minute)
	return fmt.Appendf(nil, `{"MessageName":%q,"Version":"2.1","TimeStamp":%q,"UniqueID":%q,"Source":%q,"Target":null,"RequestID":null,"MessageBody":%s}`,
		message, ts.Format(time.RFC3339Nano), uniqueID, testStation, body)
}

// openStore opens an embedded store of the test's own.
func openStore(t testing.TB) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{CacheBytes: 8 << 20, MemTableBytes: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// mustApply applies native events (JSON texts) and fails t unless each is
// accepted.
func mustApply(t testing.TB, st tracegraph.Store, events ...string) {
	t.Helper()
	evs := make([]*tracegraph.Event, len(events))
	for i, s := range events {
		e, err := tracegraph.DecodeEvent([]byte(s))
		if err != nil {
			t.Fatalf("DecodeEvent(%s): %v", s, err)
		}
		evs[i] = e
	}
	outs, err := st.Apply(context.Background(), evs, tracegraph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != tracegraph.OutcomeAccepted {
			t.Fatalf("apply %s: %s %v", o.ID, o.Status, o.Error)
		}
	}
}

// unitCreated is a native unit.created for serial.
func unitCreated(serial string) string {
	return fmt.Sprintf(`{"id":"mes-%s","type":"unit.created","time":"2018-10-03T08:00:00Z","data":{"serial":%q,"partNumber":"PCBA-100","workOrder":"WO-1000-1000"}}`, serial, serial)
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", path, b)
	}
}
