package server_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

// TestProductQueries: product(partNumber), productByGtin and Unit.product
// answer what product.defined recorded.
func TestProductQueries(t *testing.T) {
	ts := startScenario(t, nil)
	body := []byte(`{"id":"def-900a","type":"product.defined","time":"2026-03-01T05:00:00Z","data":{"partNumber":"900-A","gtin":"4012345001006","name":"Gateway A","revision":"R1B","links":[{"type":"gs1:pip","href":"https://products.example.com/900-A","title":"Gateway A"},{"type":"gs1:warranty","href":"https://products.example.com/900-A/warranty"}]}}`)
	if status, resp := ts.postEvents(t, body, "application/json", "", ""); status != http.StatusOK || resp.Accepted != 1 {
		t.Fatalf("POST product.defined = %d %+v, want 200 and accepted", status, resp)
	}
	const fields = `id partNumber gtin name description revision links { type href title } definedBy events { id }`
	want := map[string]any{"id": "Product:900-A", "partNumber": "900-A", "gtin": "04012345001006", "name": "Gateway A",
		"description": nil, "revision": "R1B", "definedBy": "def-900a", "events": []any{map[string]any{"id": "def-900a"}},
		"links": []any{
			map[string]any{"type": "gs1:pip", "href": "https://products.example.com/900-A", "title": "Gateway A"},
			map[string]any{"type": "gs1:warranty", "href": "https://products.example.com/900-A/warranty", "title": nil},
		}}
	var got struct {
		ByPN, ByGTIN, ByGTIN13, None, NoGTIN map[string]any
		Units                                struct {
			Edges []struct {
				Node struct{ Product map[string]any }
			}
		}
	}
	ts.data(t, `{ byPN: product(partNumber: "900-A") { `+fields+` }
		byGTIN: productByGtin(gtin: "04012345001006") { `+fields+` }
		byGTIN13: productByGtin(gtin: "4012345001006") { id }
		none: product(partNumber: "700-A") { id }
		noGTIN: productByGtin(gtin: "4006381333931") { id }
		units(filter: {partNumber: "900-A"}, first: 2) { edges { node { product { id name gtin } } } } }`, nil, &got)
	if !reflect.DeepEqual(got.ByPN, want) {
		t.Errorf("product(900-A) = %v, want %v", got.ByPN, want)
	}
	if !reflect.DeepEqual(got.ByGTIN, want) {
		t.Errorf("productByGtin(04012345001006) = %v, want %v", got.ByGTIN, want)
	}
	if got.ByGTIN13["id"] != "Product:900-A" || got.None != nil || got.NoGTIN != nil {
		t.Errorf("productByGtin(GTIN-13) = %v, product(700-A) = %v, productByGtin(unknown) = %v; want Product:900-A, null, null",
			got.ByGTIN13, got.None, got.NoGTIN)
	}
	if len(got.Units.Edges) != 2 {
		t.Fatalf("units(900-A) = %d units, want 2", len(got.Units.Edges))
	}
	for _, e := range got.Units.Edges {
		if p := e.Node.Product; p["id"] != "Product:900-A" || p["gtin"] != "04012345001006" {
			t.Errorf("Unit.product = %v, want Product:900-A", p)
		}
	}
	// A malformed GTIN is INVALID; the product is also found by lookup.
	if r := ts.gql(t, `{ productByGtin(gtin: "4012345001007") { id } }`, nil, ""); r.code() != "INVALID" {
		t.Errorf("productByGtin(bad check digit) = %s, want INVALID", r.raw)
	}
	var lk struct{ Lookup []map[string]any }
	ts.data(t, `{ lookup(code: "(01)04012345001006") { __typename id } }`, nil, &lk)
	if b, _ := json.Marshal(lk.Lookup); string(b) != `[{"__typename":"Product","id":"Product:900-A"}]` {
		t.Errorf("lookup((01)GTIN) = %s, want the product", b)
	}
}
