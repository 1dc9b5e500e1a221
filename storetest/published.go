package storetest

import (
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// publishedFixture: a wafer batch W feeds lot L1, which U1 consumed; U1 is
// inside the finished product P1 (shipped); U2 used only L2.
const publishedFixture = `
0  wf-w      wafer.registered   {"waferBatch":"W","manufacturer":"ST"}
0  rcv-l1    lot.received       {"lot":"L1","partNumber":"IC-1","derivedFrom":["WaferBatch:W"]}
0  rcv-l2    lot.received       {"lot":"L2","partNumber":"IC-1"}
0  mk-u1     unit.created       {"serial":"U1","partNumber":"PCBA-1"}
0  mk-u2     unit.created       {"serial":"U2","partNumber":"PCBA-1"}
0  mk-p1     unit.created       {"serial":"P1","partNumber":"PRD-1"}
1  u1-l1     material.consumed  {"unit":"U1","lot":"L1"}
1  u2-l2     material.consumed  {"unit":"U2","lot":"L2"}
2  p1-u1     unit.assembled     {"parent":"P1","child":"U1"}
3  ship-p1   shipped            {"shipment":"S1","customer":"ACME","items":["P1"]}
`

// testPublishedRecall: a containment's recall made public reaches every
// unit built with the suspect material as built now, shipped ones
// included; only published containments show; a corrected notice
// replaces the first; voiding withdraws it.
func testPublishedRecall(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, publishedFixture)
	notices := func(unit string) []string {
		t.Helper()
		got, err := tracegraph.PublicRecalls(bg, s, tracegraph.ID(unit))
		if err != nil {
			t.Fatalf("PublicRecalls(%s): %v", unit, err)
		}
		var out []string
		for _, n := range got {
			out = append(out, n.Containment+": "+n.Title+" / "+n.Text)
		}
		return out
	}
	check := func(what string, want map[string][]string) {
		t.Helper()
		for unit, w := range want {
			if got := notices(unit); !slices.Equal(got, w) {
				t.Errorf("%s: PublicRecalls(%s) = %q, want %q", what, unit, got, w)
			}
		}
	}
	if _, err := tracegraph.Contain(bg, s, tracegraph.ContainRequest{Suspects: ids("WaferBatch:W"), Reason: "fab notice", Containment: "C1", Time: At(10)}); err != nil {
		t.Fatalf("Contain: %v", err)
	}
	check("contained, not published", map[string][]string{"Unit:P1": nil, "Unit:U1": nil, "Unit:U2": nil})

	req := tracegraph.PublishRequest{Containment: "C1", Title: "Battery check", Text: "Stop using the device and contact support.", Time: At(11)}
	res, err := tracegraph.PublishRecall(bg, s, req)
	if err != nil || res.Suspects != 1 || res.Duplicate {
		t.Fatalf("PublishRecall = %+v, %v; want 1 suspect (the wafer batch the containment held)", res, err)
	}
	want := []string{"C1: Battery check / Stop using the device and contact support."}
	check("published", map[string][]string{"Unit:P1": want, "Unit:U1": want, "Unit:U2": nil})
	if again, err := tracegraph.PublishRecall(bg, s, req); err != nil || !again.Duplicate || again.Event != res.Event {
		t.Errorf("PublishRecall again = %+v, %v; want the same event, a duplicate", again, err)
	}

	req.Text, req.Time = "Stop using the device; a technician will replace it.", At(12)
	fixed, err := tracegraph.PublishRecall(bg, s, req)
	if err != nil || fixed.Event == res.Event {
		t.Fatalf("PublishRecall corrected = %+v, %v; want a new event", fixed, err)
	}
	want = []string{"C1: Battery check / Stop using the device; a technician will replace it."}
	check("corrected", map[string][]string{"Unit:P1": want})

	mustApply(t, s, parse(t, `13 void-fix event.voided {"event":"`+fixed.Event+`","reason":"sent too early"}`)...)
	check("correction voided", map[string][]string{"Unit:P1": {"C1: Battery check / Stop using the device and contact support."}})
	mustApply(t, s, parse(t, `14 void-first event.voided {"event":"`+res.Event+`","reason":"withdrawn"}`)...)
	check("withdrawn", map[string][]string{"Unit:P1": nil, "Unit:U1": nil})
	if l := node(t, s, "WaferBatch:W").Props[tracegraph.PropPublicRecalls]; l != nil && len(l.([]any)) != 0 {
		t.Errorf("WaferBatch:W %s = %v after both were voided, want none", tracegraph.PropPublicRecalls, l)
	}

	// Explicit suspects, and refusals.
	if _, err := tracegraph.PublishRecall(bg, s, tracegraph.PublishRequest{Containment: "C1", Suspects: ids("MaterialLot:L2"), Text: "Lot L2 too.", Time: At(15)}); err != nil {
		t.Fatalf("PublishRecall(L2): %v", err)
	}
	check("explicit suspect", map[string][]string{"Unit:U2": {"C1:  / Lot L2 too."}, "Unit:P1": nil})
	for _, tc := range []struct {
		name  string
		req   tracegraph.PublishRequest
		code  tracegraph.Code
		field string
	}{
		{"no containment", tracegraph.PublishRequest{Containment: "C9", Text: "x", Time: At(16)}, tracegraph.CodeNotFound, "containment"},
		{"no text", tracegraph.PublishRequest{Containment: "C1", Time: At(16)}, tracegraph.CodeInvalid, "text"},
		{"a box is no suspect", tracegraph.PublishRequest{Containment: "C1", Suspects: ids("Shipment:S1"), Text: "x", Time: At(16)}, tracegraph.CodeInvalid, "data.suspects[0]"},
		{"missing suspect", tracegraph.PublishRequest{Containment: "C1", Suspects: ids("MaterialLot:NOPE"), Text: "x", Time: At(16)}, tracegraph.CodeNotFound, "data.suspects[0]"},
	} {
		_, err := tracegraph.PublishRecall(bg, s, tc.req)
		if e := tracegraph.AsError(err); err == nil || e.Code != tc.code || e.Field != tc.field {
			t.Errorf("PublishRecall(%s) = %v, want %s field %q", tc.name, err, tc.code, tc.field)
		}
	}
	refuse(t, s, parse(t, `17 pub-x recall.published {"containment":"mk-u1","suspects":["L1"],"text":"x"}`)[0], tracegraph.CodeNotFound, "data.containment")
}
