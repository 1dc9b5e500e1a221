package epcis_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/ingest/epcis"
)

func clock() time.Time { return time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC) }

func openStore(t *testing.T) tracegraph.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// capture captures a document as the server does (Validator.Apply).
func capture(t *testing.T, v *epcis.Validator, st tracegraph.Store, body []byte) (*epcis.Plan, []tracegraph.Outcome, error) {
	t.Helper()
	p, res, err := v.Apply(context.Background(), st, body, 0)
	return p, res.Outcomes, err
}

// notApplying are the GS1 examples that record nothing, and why.
var notApplying = map[string]string{
	"Example-TransactionEvents-2020_07_03y.jsonld":                             "TransactionEvents only: business transactions are not kept",
	"WithFullCombinationOfFields_transaction_event_all_possible_fields.jsonld": "a TransactionEvent only",
	"WithSensorData_SensorDataExample11.jsonld":                                "a TransactionEvent only",
	"Example_9.6.2-ObjectEvent.jsonld":                                         "an observation of a logistic unit (SSCC) only: a process record is of units",
	"WithDigitalLinkID_Example_9.6.2-ObjectEventWithDigitalLink.jsonld":        "an observation of a logistic unit (SSCC) only: a process record is of units",
	"AssociationEvent_AssociationEvent-d.jsonld":                               "a DELETE that names no child: tracegraph removes children one by one",
	"AssociationEvent_AssociationEvent-g.jsonld":                               "declares an error in a DELETE that names no child (as d)",
	"WithSensorData_SensorDataExample8.jsonld":                                 "packs quantities (childQuantityList) only: containers hold units and containers",
}

// refused are the GS1 examples tracegraph's rules refuse whole in an empty
// store, and why: the test checks that they are, and that nothing changed.
var refused = map[string]string{
	"AssociationEvent_AssociationEvent-c.jsonld": "removes a child from a parent it was never built into (the build is in example a)",
	"AssociationEvent_AssociationEvent-h.jsonld": "removes children from a parent they were never built into",
}

// TestCaptureGS1Examples captures each of GS1's EPCIS 2.0 examples into an
// empty store: every one is accepted whole, and capturing it again changes
// nothing.
func TestCaptureGS1Examples(t *testing.T) {
	v, err := epcis.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/gs1/*.jsonld")
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			st := openStore(t)
			p, outs, err := capture(t, v, st, body)
			if err != nil {
				t.Fatalf("capture: %v", err)
			}
			tally := tracegraph.CountOutcomes(outs)
			if why, ok := refused[name]; ok {
				if tally.Rejected != len(outs) {
					t.Errorf("%s: %+v, want every event refused (%s)", name, tally, why)
				}
				if seq, _, _ := st.Head(context.Background()); seq != 0 {
					t.Errorf("%s was refused but the log has %d events", name, seq)
				}
				return
			}
			if tally.Rejected > 0 {
				for _, o := range outs {
					if o.Error != nil {
						t.Errorf("event %d %s: %v (%s)", o.Index, o.ID, o.Error, p.Events[o.Index])
					}
				}
				return
			}
			if why, skip := notApplying[name]; skip {
				if len(p.Events) != 0 {
					t.Errorf("%s captured %d events; listed as not applying (%s)", name, len(p.Events), why)
				}
				return
			}
			if tally.Accepted == 0 {
				t.Fatalf("nothing captured (notes %+v); list it in notApplying with the reason", p.Notes)
			}
			_, again, err := capture(t, v, st, body)
			if err != nil {
				t.Fatal(err)
			}
			if tl := tracegraph.CountOutcomes(again); tl.Accepted != 0 || tl.Rejected != 0 {
				t.Errorf("capturing again: %+v, want only duplicates", tl)
			}
		})
	}
}

// TestCaptureMapping checks what the standard mapping makes of each EPCIS
// event type.
func TestCaptureMapping(t *testing.T) {
	doc := func(events ...string) []byte {
		return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-01T00:00:00Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`)
	}
	const at = `"eventTime":"2026-03-01T08:00:00Z","eventTimeZoneOffset":"+00:00"`
	tests := []struct {
		name string
		ev   string
		want []string // type and data of each native event
	}{
		{"commissioning", `{"type":"ObjectEvent","action":"ADD","bizStep":"commissioning",` + at + `,"eventID":"urn:uuid:1","epcList":["urn:epc:id:sgtin:0614141.107346.2017"],"readPoint":{"id":"urn:epc:id:sgln:0614141.07346.1234"}}`,
			[]string{`unit.created {"partNumber":"10614141073464","serial":"2017"}`}},
		{"lot", `{"type":"ObjectEvent","action":"ADD",` + at + `,"quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":200,"uom":"KGM"}]}`,
			[]string{`lot.received {"lot":"998877","partNumber":"04012345123456","quantity":200}`}},
		{"packing", `{"type":"AggregationEvent","action":"ADD","bizStep":"packing",` + at + `,"parentID":"urn:epc:id:sscc:0614141.1234567890","childEPCs":["https://id.gs1.org/01/09506000134352/21/S1"]}`,
			[]string{`packed {"container":"106141412345678908","items":["S1"],"sscc":"106141412345678908"}`}},
		{"unpacking", `{"type":"AggregationEvent","action":"DELETE",` + at + `,"parentID":"urn:epc:id:sscc:0614141.1234567890","childEPCs":[]}`,
			[]string{`unpacked {"container":"106141412345678908"}`}},
		{"transformation", `{"type":"TransformationEvent",` + at + `,"inputQuantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.011111.4444","quantity":10}],"inputEPCList":["urn:epc:id:sgtin:4012345.011122.25"],"outputEPCList":["urn:epc:id:sgtin:4012345.077889.25"]}`,
			[]string{`material.consumed {"component":"Component:25","unit":"Unit:25"}`, `material.consumed {"lot":"MaterialLot:4444","quantity":10,"unit":"Unit:25"}`}},
		{"assembly", `{"type":"AssociationEvent","action":"ADD","bizStep":"assembling",` + at + `,"parentID":"urn:epc:id:giai:4000001.12345","childEPCs":["urn:epc:id:sgtin:4012345.011122.7"]}`,
			[]string{`unit.assembled {"child":"7","parent":"400000112345"}`}},
		{"removal", `{"type":"AssociationEvent","action":"DELETE","bizStep":"disassembling",` + at + `,"parentID":"urn:epc:id:giai:4000001.12345","childEPCs":["urn:epc:id:sgtin:4012345.011122.7"]}`,
			[]string{`component.removed {"child":"7","parent":"400000112345","reason":"disassembling"}`}},
		{"error declaration", `{"type":"ObjectEvent","action":"OBSERVE",` + at + `,"eventID":"urn:uuid:9","epcList":["urn:epc:id:sgtin:0614141.107346.2017"],"errorDeclaration":{"declarationTime":"2026-03-02T00:00:00Z","reason":"incorrect_data","correctiveEventIDs":["urn:uuid:10"]}}`,
			[]string{`process.recorded {"step":"observing","units":["2017"]}`, `event.voided {"event":"urn:uuid:9","reason":"incorrect_data"}`}},
		{"observation", `{"type":"ObjectEvent","action":"OBSERVE","bizStep":"inspecting","disposition":"conformant",` + at + `,"epcList":["urn:epc:id:sgtin:0614141.107346.2017"]}`,
			[]string{`process.recorded {"parameters":{"disposition":"conformant"},"step":"inspecting","units":["2017"]}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := epcis.Capture(doc(tt.ev), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, raw := range c.Events {
				var e struct {
					Type string          `json:"type"`
					Data json.RawMessage `json:"data"`
				}
				_ = json.Unmarshal(raw.Raw, &e)
				got = append(got, e.Type+" "+string(e.Data))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Capture(%s) =\n%s\nwant\n%s", tt.name, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
