package storetest

import (
	"reflect"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

const productsFixture = `
0 def-mt  product.defined {"partNumber":"MT-100","gtin":"4006381333931","name":"Modem MT-100","description":"LTE modem.\nIndoor use.","revision":"R2","links":[{"type":"gs1:pip","href":"https://example.com/mt-100","title":"Product page"},{"type":"gs1:locationInfo","href":"https://example.com/service?near=1"}]}
0 def-gw  product.defined {"partNumber":"GW-7","gtin":"09506000134352","name":"Gateway GW-7"}
1 mk-1    unit.created    {"serial":"MT-0001","partNumber":"MT-100"}
`

// testProducts: product.defined creates a Product keyed by part number, a
// later one replaces the definition, GTINs name one product each, and a
// serial scanned with a GTIN names a unit of that product only.
func testProducts(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, productsFixture)
	p := node(t, s, "Product:MT-100")
	if p.Label != tracegraph.LabelProduct || p.CreatedBy != "def-mt" {
		t.Errorf("Node(Product:MT-100) = %s created by %q, want a Product created by def-mt", p.Label, p.CreatedBy)
	}
	want := map[string]any{"partNumber": "MT-100", "gtin": "04006381333931", "name": "Modem MT-100",
		"description": "LTE modem.\nIndoor use.", "revision": "R2", "definedBy": "def-mt", "definedAt": tsAt(0),
		"links": []any{
			map[string]any{"type": "gs1:pip", "href": "https://example.com/mt-100", "title": "Product page"},
			map[string]any{"type": "gs1:locationInfo", "href": "https://example.com/service?near=1"},
		}}
	if !reflect.DeepEqual(p.Props, want) {
		t.Errorf("Node(Product:MT-100).Props = %v, want %v", p.Props, want)
	}
	// A GTIN finds its product in any form.
	for _, code := range []string{"4006381333931", "04006381333931", "(01)04006381333931", "https://id.example.com/01/4006381333931"} {
		lookupIs(t, s, code, "Product:MT-100")
	}
	// A part number is also a key: typed, it finds the product.
	lookupIs(t, s, "GW-7", "Product:GW-7")
	// A serial scanned with its product's GTIN names the unit, in any form;
	// with another product's GTIN it names nothing.
	for _, code := range []string{"(01)04006381333931(21)MT-0001", "]d20104006381333931" + "21MT-0001",
		"0104006381333931" + "21MT-0001", "(01) 04006381333931 (21) MT-0001",
		"https://id.example.com/gtin/04006381333931/ser/MT-0001?linkType=all", "MT-0001"} {
		lookupIs(t, s, code, "Unit:MT-0001")
	}
	lookupIs(t, s, "(01)09506000134352(21)MT-0001")
	lookupIs(t, s, "https://id.example.com/01/09501101530003/21/MT-0001")

	// Redefinition replaces every fact; the GTIN moves with it.
	mustApply(t, s, parse(t, `5 def-mt2 product.defined {"partNumber":"MT-100","gtin":"95012346000017","name":"Modem MT-100 v2","links":[{"type":"gs1:support","href":"http://support.example.com/"}]}`)...)
	p = node(t, s, "Product:MT-100")
	want = map[string]any{"partNumber": "MT-100", "gtin": "95012346000017", "name": "Modem MT-100 v2",
		"definedBy": "def-mt2", "definedAt": tsAt(5),
		"links": []any{map[string]any{"type": "gs1:support", "href": "http://support.example.com/"}}}
	if !reflect.DeepEqual(p.Props, want) || p.CreatedBy != "def-mt" {
		t.Errorf("after redefinition Node(Product:MT-100) = %v created by %q, want %v created by def-mt", p.Props, p.CreatedBy, want)
	}
	lookupIs(t, s, "(01)04006381333931")
	lookupIs(t, s, "95012346000017", "Product:MT-100")
	lookupIs(t, s, "(01)95012346000017(21)MT-0001", "Unit:MT-0001")
	lookupIs(t, s, "(01)04006381333931(21)MT-0001")

	// A GTIN names one product; the refusal changes nothing.
	before := snapshot(t, s, ids("Product:MT-100", "Product:GW-7"))
	refuse(t, s, parse(t, `6 def-x product.defined {"partNumber":"GW-7","gtin":"95012346000017","name":"Gateway"}`)[0], tracegraph.CodeConflict, "data.gtin")
	refuse(t, s, parse(t, `6 def-y product.defined {"partNumber":"NEW-1","gtin":"9506000134352","name":"New"}`)[0], tracegraph.CodeConflict, "data.gtin")
	// A definition is never voided: it is replaced.
	refuse(t, s, parse(t, `6 v-def event.voided {"event":"def-mt2","reason":"typo"}`)[0], tracegraph.CodeInvalid, "data.event")
	unchanged(t, "the refusals", before, snapshot(t, s, ids("Product:MT-100", "Product:GW-7")))
	notFound(t, s, "Product:NEW-1")
	// The freed GTIN may be given to another product.
	mustApply(t, s, parse(t, `7 def-z product.defined {"partNumber":"NEW-1","gtin":"4006381333931","name":"New"}`)...)
	lookupIs(t, s, "4006381333931", "Product:NEW-1")

	evs, err := s.NodeEvents(bg, "Product:MT-100")
	if err != nil {
		t.Fatalf("NodeEvents(Product:MT-100) error: %v", err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.ID)
	}
	if !slices.Equal(got, []string{"def-mt", "def-mt2"}) {
		t.Errorf("NodeEvents(Product:MT-100) = %v, want [def-mt def-mt2]", got)
	}
}

// lookupIs checks that code names exactly the nodes want (in any order).
func lookupIs(t *testing.T, s tracegraph.Store, code string, want ...string) {
	t.Helper()
	ns, err := s.Lookup(bg, code)
	if err != nil {
		t.Errorf("Lookup(%q) error: %v", code, err)
		return
	}
	var got []string
	for _, n := range ns {
		got = append(got, string(n.ID))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Lookup(%q) = %v, want %v", code, got, want)
	}
}

func tsAt(m int) string { return At(m).UTC().Format("2006-01-02T15:04:05Z07:00") }
