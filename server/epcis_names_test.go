package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest/epcis"
)

// gs1Factory: a product with a GTIN, a part number of material with one, a
// unit of each kind (with and without a GTIN), a consumption and a box
// packed with an SSCC.
const gs1Factory = `{"id":"g1","type":"product.defined","time":"2026-03-01T05:00:00Z","data":{"partNumber":"900-V1","gtin":"09506000134352","name":"Vega"}}
{"id":"g2","type":"product.defined","time":"2026-03-01T05:00:00Z","data":{"partNumber":"CAP-100","gtin":"4012345000108","name":"Capacitor reel"}}
{"id":"g3","type":"lot.received","time":"2026-03-01T06:00:00Z","data":{"lot":"CAP-L1","partNumber":"CAP-100","quantity":100}}
{"id":"g4","type":"unit.created","time":"2026-03-01T07:00:00Z","data":{"serial":"SN-1","partNumber":"900-V1"}}
{"id":"g5","type":"unit.created","time":"2026-03-01T07:01:00Z","data":{"serial":"SN-2","partNumber":"700-X"}}
{"id":"g6","type":"material.consumed","time":"2026-03-01T07:30:00Z","data":{"unit":"SN-1","lot":"CAP-L1","quantity":2}}
{"id":"g7","type":"packed","time":"2026-03-01T08:00:00Z","data":{"container":"BOX-1","containerType":"box","items":["SN-1","SN-2"],"sscc":"004012345000000012"}}
`

// The GS1 names of gs1Factory's nodes.
const (
	gs1Unit = "https://id.gs1.org/01/09506000134352/21/SN-1"
	gs1Lot  = "https://id.gs1.org/01/04012345000108/10/CAP-L1"
	gs1Box  = "https://id.gs1.org/00/004012345000000012"
)

// epcisPage GETs /epcis/events with q and returns its events, checking the
// answer is a valid EPCISQueryDocument.
func epcisPage(t *testing.T, ts *testServer, v *epcis.Validator, q url.Values) []map[string]any {
	t.Helper()
	status, _, body := ts.do(t, http.MethodGet, "/epcis/events?"+q.Encode(), "", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /epcis/events?%s = %d %s", q.Encode(), status, body)
	}
	if err := v.ValidateQueryDocument(body); err != nil {
		t.Fatalf("GET /epcis/events?%s: not a valid EPCISQueryDocument: %v", q.Encode(), err)
	}
	var doc struct {
		EPCISBody struct {
			QueryResults struct {
				ResultsBody struct {
					EventList []map[string]any `json:"eventList"`
				} `json:"resultsBody"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.EPCISBody.QueryResults.ResultsBody.EventList
}

func eventIDs(evs []map[string]any) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e["eventID"].(string))
	}
	return out
}

// TestEPCISNamesGS1Keys: what has a GS1 key is named by its canonical GS1
// Digital Link in EPCIS answers (units and lots by their product's GTIN,
// containers by their SSCC), the rest as tracegraph names it; a query finds
// the same events by either name, and the answer captured into another
// tracegraph renders the same.
func TestEPCISNamesGS1Keys(t *testing.T) {
	ts := start(t, nil)
	if status, resp := ts.postEvents(t, []byte(gs1Factory), "application/x-ndjson", "", ""); status != http.StatusOK || resp.Accepted != 7 {
		t.Fatalf("POST the factory = %d %+v", status, resp)
	}
	v, err := epcis.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	all := epcisPage(t, ts, v, url.Values{})
	byID := map[string]map[string]any{}
	for _, e := range all {
		byID[e["eventID"].(string)] = e
	}
	list := func(e map[string]any, k string) []string {
		var out []string
		for _, x := range e[k].([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	class := func(e map[string]any, k string) string {
		return e[k].([]any)[0].(map[string]any)["epcClass"].(string)
	}
	for _, tt := range []struct {
		id, what, got, want string
	}{
		{"g3", "the lot received", class(byID["urn:tracegraph:event:g3"], "quantityList"), gs1Lot},
		{"g4", "the unit with a GTIN", list(byID["urn:tracegraph:event:g4"], "epcList")[0], gs1Unit},
		{"g5", "the unit without one", list(byID["urn:tracegraph:event:g5"], "epcList")[0], "urn:tracegraph:Unit:SN-2"},
		{"g6", "the unit made", list(byID["urn:tracegraph:event:g6"], "outputEPCList")[0], gs1Unit},
		{"g6", "the lot consumed", class(byID["urn:tracegraph:event:g6"], "inputQuantityList"), gs1Lot},
		{"g7", "the box", byID["urn:tracegraph:event:g7"]["parentID"].(string), gs1Box},
		{"g7", "what it holds", strings.Join(list(byID["urn:tracegraph:event:g7"], "childEPCs"), " "), gs1Unit + " urn:tracegraph:code:SN-2"},
	} {
		if tt.got != tt.want {
			t.Errorf("event %s names %s %q, want %q", tt.id, tt.what, tt.got, tt.want)
		}
	}

	// Either name finds the same events; an SSCC finds its box whatever
	// the box's key.
	for _, tt := range []struct {
		param string
		names []string
		want  []string
	}{
		{"MATCH_epc", []string{"urn:tracegraph:Unit:SN-1", gs1Unit, "urn:epc:id:sgtin:9506000.013435.SN-1"}, []string{"g4", "g6", "g7"}},
		{"MATCH_anyEPC", []string{"urn:tracegraph:Unit:SN-1", gs1Unit}, []string{"g4", "g6", "g7"}},
		{"MATCH_parentID", []string{"urn:tracegraph:Box:BOX-1", gs1Box, "urn:epc:id:sscc:0401234.0500000001"}, []string{"g7"}},
		{"MATCH_anyEPC", []string{"urn:tracegraph:MaterialLot:CAP-L1", gs1Lot}, []string{"g3", "g6"}},
	} {
		var want []string
		for _, id := range tt.want {
			want = append(want, "urn:tracegraph:event:"+id)
		}
		for _, name := range tt.names {
			if got := eventIDs(epcisPage(t, ts, v, url.Values{tt.param: {name}})); !slices.Equal(got, want) {
				t.Errorf("%s=%s finds %v, want %v", tt.param, name, got, want)
			}
		}
	}

	// The answer captured into another tracegraph renders the same there.
	doc, err := epcis.Document(all, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other := start(t, nil)
	if status, _, body := other.do(t, http.MethodPost, "/epcis/capture", "application/ld+json", "", doc); status != http.StatusAccepted || !strings.Contains(string(body), `"accepted":7`) {
		t.Fatalf("capture into another tracegraph = %d %s", status, body)
	}
	again := epcisPage(t, other, v, url.Values{})
	strip := func(evs []map[string]any) string {
		for _, e := range evs {
			delete(e, "recordTime")
		}
		b, _ := json.Marshal(evs)
		return string(b)
	}
	if a, b := strip(all), strip(again); a != b {
		t.Errorf("captured elsewhere, the events render\n%s\nwant\n%s", b, a)
	}
}

// TestEPCISQueryParameters: each parameter of the EPCIS query language
// tracegraph answers selects what it says, alone and with the others; a
// malformed one is INVALID naming it.
func TestEPCISQueryParameters(t *testing.T) {
	ts := start(t, nil)
	more := `{"id":"g8","type":"shipped","time":"2026-03-02T10:00:00Z","data":{"shipment":"SHP-1","customer":"C-1","items":["Box:BOX-1"]}}`
	if status, resp := ts.postEvents(t, []byte(gs1Factory+more+"\n"), "application/x-ndjson", "", ""); status != http.StatusOK || resp.Accepted != 8 {
		t.Fatalf("POST the factory = %d %+v", status, resp)
	}
	// A partner's observation with its read point and business location.
	doc := `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-04T08:00:00Z","epcisBody":{"eventList":[
		{"type":"ObjectEvent","action":"OBSERVE","bizStep":"receiving","disposition":"in_progress","eventID":"urn:uuid:6f1e2d3c-0000-4000-8000-000000000001",
		 "eventTime":"2026-03-04T08:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["` + gs1Unit + `"],
		 "readPoint":{"id":"urn:epc:id:sgln:4012345.00005.0"},"bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"}}]}}`
	if status, _, body := ts.do(t, http.MethodPost, "/epcis/capture", "application/ld+json", "", []byte(doc)); status != http.StatusAccepted || !strings.Contains(string(body), `"accepted":1`) {
		t.Fatalf("capture = %d %s", status, body)
	}
	v, err := epcis.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	const partner = "urn:uuid:6f1e2d3c-0000-4000-8000-000000000001"
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		query string
		want  []string // native ids, or the partner's event
	}{
		{"eventType=TransformationEvent", []string{"g6"}},
		{"eventType=AggregationEvent,TransformationEvent", []string{"g6", "g7"}},
		{"EQ_action=ADD", []string{"g3", "g4", "g5", "g7"}},
		{"EQ_action=OBSERVE&EQ_bizStep=shipping", []string{"g8"}},
		{"EQ_disposition=in_transit", []string{"g8"}},
		{"EQ_disposition=urn:epcglobal:cbv:disp:in_progress", []string{partner}},
		{"EQ_readPoint=urn:epc:id:sgln:4012345.00005.0", []string{partner}},
		{"EQ_bizLocation=urn:epc:id:sgln:4012345.00001.0", []string{partner}},
		{"EQ_bizLocation=urn:epc:id:sgln:4012345.00005.0", nil},
		{"EQ_eventID=urn:tracegraph:event:g6,urn:tracegraph:event:g4", []string{"g4", "g6"}},
		{"EQ_eventID=" + partner, []string{partner}},
		{"EQ_eventID=urn:tracegraph:event:nope", nil},
		{"EQ_eventID=urn:tracegraph:event:g6&eventType=ObjectEvent", nil},
		{"MATCH_inputEPCClass=" + gs1Lot, []string{"g6"}},
		{"MATCH_outputEPC=" + gs1Unit, []string{"g6"}},
		{"MATCH_inputEPC=" + gs1Unit, nil},
		{"MATCH_epcClass=" + gs1Lot, []string{"g3"}},
		{"MATCH_epcClass=urn:tracegraph:MaterialLot:CAP-L1", []string{"g3"}},
		{"MATCH_anyEPCClass=" + gs1Lot, []string{"g3", "g6"}},
		{"MATCH_anyEPC=" + gs1Unit + "&EQ_action=OBSERVE", []string{partner}},
		{"MATCH_anyEPC=" + gs1Box + "&EQ_action=OBSERVE", []string{"g8"}},
		{"MATCH_anyEPC=" + gs1Unit + "&EQ_action=OBSERVE&EQ_bizStep=shipping", nil},
		{"GE_recordTime=" + future, nil},
		{"LT_recordTime=" + future + "&MATCH_epc=" + gs1Unit, []string{"g4", "g6", "g7", partner}},
	}
	for _, tt := range tests {
		var want []string
		for _, id := range tt.want {
			if !strings.HasPrefix(id, "urn:") {
				id = "urn:tracegraph:event:" + id
			}
			want = append(want, id)
		}
		q, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		if got := eventIDs(epcisPage(t, ts, v, q)); !slices.Equal(got, want) {
			t.Errorf("%s finds %v, want %v", tt.query, got, want)
		}
	}
	for _, bad := range []struct{ query, field string }{
		{"eventType=Foo", "eventType"},
		{"EQ_action=MOVE", "EQ_action"},
		{"GE_recordTime=yesterday", "GE_recordTime"},
		{"MATCH_inputEPCClass=urn:epc:class:lgtin:4012345.01234.1", "MATCH_inputEPCClass"},
		{"EQ_foo=1", "EQ_foo"},
	} {
		status, _, body := ts.do(t, http.MethodGet, "/epcis/events?"+bad.query, "", "", nil)
		if status != http.StatusBadRequest || errorCode(body) != "INVALID" || !strings.Contains(string(body), `"field":"`+bad.field+`"`) {
			t.Errorf("GET /epcis/events?%s = %d %s, want 400 INVALID on %s", bad.query, status, body, bad.field)
		}
	}
}

// TestEPCISCaptureTakesProductPartNumbers: a thing an EPCIS document
// commissions by a GTIN that a defined product has takes that product's
// part number (explicitly in an ObjectEvent ADD, implicitly when only
// observed); a GTIN no product has stands as its own part number; the
// ILMD's tg:partNumber wins over both.
func TestEPCISCaptureTakesProductPartNumbers(t *testing.T) {
	ts := start(t, nil)
	if status, resp := ts.postEvents(t, []byte(gs1Factory), "application/x-ndjson", "", ""); status != http.StatusOK || resp.Accepted != 7 {
		t.Fatalf("POST the factory = %d %+v", status, resp)
	}
	const at = `"eventTime":"2026-03-02T08:00:00Z","eventTimeZoneOffset":"+00:00"`
	doc := `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0",
		"creationDate":"2026-03-02T08:00:00Z","epcisBody":{"eventList":[
		{"type":"ObjectEvent","action":"ADD","bizStep":"commissioning",` + at + `,"epcList":["https://id.gs1.org/01/09506000134352/21/SN-10"]},
		{"type":"ObjectEvent","action":"ADD","bizStep":"commissioning",` + at + `,"epcList":["urn:epc:id:sgtin:9506000.013435.SN-11"],"ilmd":{"tg:partNumber":"900-V1-SPECIAL"}},
		{"type":"ObjectEvent","action":"OBSERVE","bizStep":"inspecting",` + at + `,"epcList":["urn:epc:id:sgtin:9506000.013435.SN-12","https://id.gs1.org/01/04012345000115/21/SN-13"]},
		{"type":"ObjectEvent","action":"ADD","bizStep":"receiving",` + at + `,"quantityList":[{"epcClass":"https://id.gs1.org/01/04012345000108/10/CAP-L2","quantity":5}]}]}}`
	status, _, body := ts.do(t, http.MethodPost, "/epcis/capture", "application/ld+json", "", []byte(doc))
	if status != http.StatusAccepted || !strings.Contains(string(body), `"success":true`) {
		t.Fatalf("POST /epcis/capture = %d %s", status, body)
	}
	for _, tt := range []struct {
		id   tracegraph.ID
		want string
	}{
		{"Unit:SN-10", "900-V1"},         // commissioned, the product's GTIN
		{"Unit:SN-11", "900-V1-SPECIAL"}, // the ILMD says
		{"Unit:SN-12", "900-V1"},         // implicitly, the product's GTIN
		{"Unit:SN-13", "04012345000115"}, // a GTIN no product has
		{"MaterialLot:CAP-L2", "CAP-100"},
	} {
		n, err := ts.Store.Node(context.Background(), tt.id)
		if err != nil {
			t.Fatalf("%s: %v", tt.id, err)
		}
		if got := n.Str("partNumber"); got != tt.want {
			t.Errorf("%s has part number %q, want %q", tt.id, got, tt.want)
		}
	}
}
