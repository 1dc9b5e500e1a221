package epcis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestValidateGS1Examples: every GS1 example document passes the schema,
// and documents that break it are refused with where and why.
func TestValidateGS1Examples(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/gs1/*.jsonld")
	if len(files) < 40 {
		t.Fatalf("%d GS1 examples in testdata/gs1, want the 46 vendored", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(b); err != nil {
			t.Errorf("Validate(%s) = %v, want nil", f, err)
		}
	}
	bad := []struct{ name, doc, want string }{
		{"not JSON", `{"type":`, "not JSON"},
		{"an event, not a document", `{"type":"ObjectEvent","action":"ADD","eventTime":"2020-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":[]}`, "EPCISDocument"},
		{"no creationDate", `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","epcisBody":{"eventList":[]}}`, "creationDate"},
		{"no eventTime", `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2020-01-01T00:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"ADD","epcList":[]}]}}`, "epcisBody.eventList[0]: not a valid EPCIS 2.0 document (GS1 JSON Schema): /epcisBody/eventList/0: missing properties 'eventTime', 'eventTimeZoneOffset'"},
		{"bad action", `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2020-01-01T00:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"MOVE","eventTime":"2020-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":[]}]}}`, "/epcisBody/eventList/0"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate([]byte(tt.doc))
			if e := tracegraph.AsError(err); err == nil || e.Code != tracegraph.CodeInvalid || !strings.Contains(e.Field+": "+e.Message, tt.want) {
				t.Errorf("Validate = %v, want INVALID mentioning %q", err, tt.want)
			}
		})
	}
}
