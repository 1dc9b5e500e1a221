package storetest

import (
	"fmt"
	"slices"
	"strings"
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

// testPublicLot: a lot page (the work order a unit label's (10) names)
// shows the published notices that reach any unit of the lot, however many
// units it has: the one unit built with the suspect lot is the last of 120,
// past the first few traced at once. A lot of another product, or no lot,
// is NOT_FOUND.
func testPublicLot(t *testing.T, open Opener) {
	s := open(t)
	var b strings.Builder
	b.WriteString(`0 def   product.defined {"partNumber":"PRD-1","gtin":"09506000134352","name":"Router"}
0 rcv-a lot.received    {"lot":"LA","partNumber":"IC-1"}
0 rcv-b lot.received    {"lot":"LB","partNumber":"IC-1"}
0 mk-x  unit.created    {"serial":"X1","partNumber":"PRD-2","workOrder":"WO-X"}
`)
	for i := 1; i <= 120; i++ {
		lot := "LA"
		if i == 120 {
			lot = "LB"
		}
		fmt.Fprintf(&b, "1 mk-%d unit.created {\"serial\":\"U%03d\",\"partNumber\":\"PRD-1\",\"workOrder\":\"WO-1\"}\n", i, i)
		fmt.Fprintf(&b, "2 use-%d material.consumed {\"unit\":\"U%03d\",\"lot\":\"%s\"}\n", i, i, lot)
	}
	load(t, s, b.String())
	const gtin = "09506000134352"
	page, err := tracegraph.PublicLot(bg, s, gtin, "WO-1")
	if err != nil || page.Lot != "WO-1" || page.Product == nil || page.Product.Name != "Router" || len(page.Recalls) != 0 {
		t.Fatalf("PublicLot(WO-1) before any recall = %+v, %v; want the lot, the product and no notice", page, err)
	}
	if _, err := tracegraph.Contain(bg, s, tracegraph.ContainRequest{Suspects: ids("MaterialLot:LB"), Reason: "supplier notice", Containment: "C1", Time: At(10)}); err != nil {
		t.Fatalf("Contain: %v", err)
	}
	if _, err := tracegraph.PublishRecall(bg, s, tracegraph.PublishRequest{Containment: "C1", Title: "Recall", Text: "Return it.", Time: At(11)}); err != nil {
		t.Fatalf("PublishRecall: %v", err)
	}
	page, err = tracegraph.PublicLot(bg, s, gtin, "WO-1")
	if err != nil || len(page.Recalls) != 1 || page.Recalls[0].Containment != "C1" || page.Recalls[0].Text != "Return it." {
		t.Fatalf("PublicLot(WO-1) = %+v, %v; want the notice of C1, which reaches U120 only", page, err)
	}
	for _, tc := range []struct{ gtin, lot, field string }{
		{gtin, "WO-X", "lot"},              // a lot of PRD-2
		{gtin, "WO-9", "lot"},              // no such lot
		{gtin, "MaterialLot:LB", "lot"},    // not a work order
		{"04006381333931", "WO-1", "gtin"}, // no product has this GTIN
	} {
		_, err := tracegraph.PublicLot(bg, s, tc.gtin, tc.lot)
		if e := tracegraph.AsError(err); err == nil || e.Code != tracegraph.CodeNotFound || e.Field != tc.field {
			t.Errorf("PublicLot(%s, %s) = %v, want NOT_FOUND on %q", tc.gtin, tc.lot, err, tc.field)
		}
	}
}
