package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/server"
)

// publicFixture is a product and one unit of it whose every internal fact
// (genealogy, material, suppliers, stations, operators, work orders,
// measurements, packing, the customer, the containment) carries the
// marker "zqx": the public page and the linkset must show none of them.
const publicFixture = `
{"id":"ev-zqx-01","type":"product.defined","time":"2026-03-01T05:00:00Z","data":{"partNumber":"900-V1","gtin":"09506000134352","name":"Vega Home Router","description":"A Wi-Fi 7 router for the home.","revision":"R2","links":[{"type":"gs1:pip","href":"https://products.example.com/vega","title":"Vega Home Router"},{"type":"gs1:support","href":"https://products.example.com/vega/support","title":"Support"},{"type":"gs1:instructions","href":"https://products.example.com/vega/manual.pdf","title":"User manual"},{"type":"gs1:warranty","href":"https://products.example.com/vega/warranty","title":"Two years"},{"type":"gs1:accessories","href":"https://products.example.com/vega/accessories","title":"Power supplies and mounts"},{"type":"gs1:locationInfo","href":"https://products.example.com/service-partners?product=900-V1","title":"Service partners"}]}}
{"id":"ev-zqx-02","type":"wafer.registered","time":"2026-03-01T06:00:00Z","data":{"waferBatch":"WB-zqx-1","manufacturer":"Fab-zqx","fab":"FAB-zqx"}}
{"id":"ev-zqx-03","type":"lot.received","time":"2026-03-01T06:01:00Z","station":"IQC-zqx","operator":"op-zqx-dave","data":{"lot":"LOT-zqx-42","partNumber":"IC-zqx","mpn":"MPN-zqx","manufacturer":"Mfr-zqx","supplier":"Supplier-zqx","dateCode":"2606","countryOfOrigin":"JP","derivedFrom":["WaferBatch:WB-zqx-1"]}}
{"id":"ev-zqx-04","type":"component.received","time":"2026-03-01T06:02:00Z","data":{"serials":["RM-zqx-1"],"partNumber":"RADIO-zqx","manufacturer":"Radio-zqx","supplier":"Supplier2-zqx","lot":"QL-zqx"}}
{"id":"ev-zqx-05","type":"unit.created","time":"2026-03-01T07:00:00Z","station":"SMT-zqx","operator":"op-zqx-alice","data":{"serial":"PCBA-zqx-1","partNumber":"700-zqx","revision":"R1A-zqx","workOrder":"WO-zqx-1","kind":"pcba"}}
{"id":"ev-zqx-06","type":"material.consumed","time":"2026-03-01T07:01:00Z","station":"SMT-zqx","data":{"unit":"PCBA-zqx-1","lot":"LOT-zqx-42","refDes":["U1zqx"]}}
{"id":"ev-zqx-07","type":"material.consumed","time":"2026-03-01T07:02:00Z","station":"SMT-zqx","data":{"unit":"PCBA-zqx-1","component":"RM-zqx-1"}}
{"id":"ev-zqx-08","type":"process.recorded","time":"2026-03-01T07:10:00Z","station":"REFLOW-zqx","operator":"op-zqx-bob","data":{"units":["PCBA-zqx-1"],"step":"reflow-zqx","recipe":"RECIPE-zqx","parameters":{"zqx":1},"result":"pass"}}
{"id":"ev-zqx-09","type":"unit.created","time":"2026-03-01T08:00:00Z","station":"ASSY-zqx","data":{"serial":"SN-V1-0001","partNumber":"900-V1","revision":"R2","workOrder":"WO-zqx-2","kind":"product","identifiers":{"IMEI":"356938035643809","MAC":"0A:1F:5C:00:00:99"}}}
{"id":"ev-zqx-10","type":"unit.assembled","time":"2026-03-01T08:01:00Z","station":"ASSY-zqx","data":{"parent":"SN-V1-0001","child":"PCBA-zqx-1","position":"main-zqx"}}
{"id":"ev-zqx-11","type":"test.recorded","time":"2026-03-01T08:10:00Z","station":"FCT-zqx","operator":"op-zqx-carol","data":{"unit":"SN-V1-0001","testType":"FCT","result":"pass","program":"PRG-zqx","fixture":"FIX-zqx","measurements":[{"name":"VBAT-zqx","value":3.3}],"firmware":{"version":"3.1.4","checksum":"sha256:zqx"}}}
{"id":"ev-zqx-12","type":"packed","time":"2026-03-01T09:00:00Z","station":"PACK-zqx","data":{"container":"BOX-zqx-1","containerType":"box","items":["SN-V1-0001"]}}
{"id":"ev-zqx-13","type":"packed","time":"2026-03-01T09:30:00Z","station":"PACK-zqx","data":{"container":"PAL-zqx-1","containerType":"pallet","items":["Box:BOX-zqx-1"],"sscc":"004012345000000425"}}
{"id":"ev-zqx-14","type":"shipped","time":"2026-03-02T10:00:00Z","station":"DOCK-zqx","data":{"shipment":"SHP-zqx-1","customer":"Customer-zqx","items":["Pallet:PAL-zqx-1"],"destination":"Dest-zqx"}}
`

const (
	publicGTIN = "09506000134352"
	publicUnit = "/01/" + publicGTIN + "/21/SN-V1-0001"
)

// startPublic starts a server with the public fixture; edit changes its
// config.
func startPublic(t *testing.T, edit func(*server.Config)) *testServer {
	t.Helper()
	ts := start(t, edit)
	for _, line := range strings.Split(strings.TrimSpace(publicFixture), "\n") {
		applyOne(t, ts.Store, line)
	}
	return ts
}

// noLeak fails the test when an answer of the public routes shows an
// internal fact.
func noLeak(t *testing.T, what string, body []byte) {
	t.Helper()
	s := strings.ToLower(string(body))
	for _, secret := range []string{"zqx", "356938035643809", "0a:1f:5c:00:00:99", "c-zqx"} {
		if strings.Contains(s, secret) {
			i := strings.Index(s, secret)
			t.Errorf("%s shows the internal %q: …%s…", what, secret, s[max(0, i-80):min(len(s), i+80)])
		}
	}
}

func TestPublicPage(t *testing.T) {
	ts := startPublic(t, func(c *server.Config) { c.PublicBurst = 1000 })
	get := func(path string, headers map[string]string) (int, http.Header, string) {
		t.Helper()
		status, h, body := ts.send(t, http.MethodGet, path, headers, nil)
		noLeak(t, "GET "+path, body)
		return status, h, string(body)
	}
	status, h, page := get(publicUnit, nil)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s = %d %s %s", publicUnit, status, h.Get("Content-Type"), page)
	}
	for _, want := range []string{"Vega Home Router", "A Wi-Fi 7 router for the home.", "SN-V1-0001", "900-V1", "R2", "1 March 2026", "3.1.4",
		`href="https://products.example.com/vega"`, `href="https://products.example.com/vega/support"`, `href="https://products.example.com/vega/warranty"`,
		`href="https://products.example.com/vega/accessories"`, `href="https://products.example.com/service-partners?product=900-V1"`,
		"Find your nearest service partner", "None published for this unit", `name="viewport"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the public page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "src=") || strings.Contains(page, "stylesheet") {
		t.Errorf("the public page loads a script or an asset:\n%s", page)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}

	// A containment is internal; the notice shows once it is published.
	ctx := t.Context()
	if _, err := tracegraph.Contain(ctx, ts.Store, tracegraph.ContainRequest{Suspects: []tracegraph.ID{"MaterialLot:LOT-zqx-42"}, Reason: "Reason-zqx",
		Containment: "C-zqx-1", Time: clock()}); err != nil {
		t.Fatalf("Contain: %v", err)
	}
	if _, _, page = get(publicUnit, nil); strings.Contains(page, "Recall notice") {
		t.Errorf("the page shows a recall notice before one is published:\n%s", page)
	}
	status, _, body := ts.do(t, http.MethodPost, "/api/v1/containments/C-zqx-1/publish", "application/json", "",
		[]byte(`{"title":"Power supply recall","text":"Stop using the router and contact support for a free replacement."}`))
	if status != http.StatusOK {
		t.Fatalf("publish = %d %s", status, body)
	}
	_, _, page = get(publicUnit, nil)
	for _, want := range []string{"Recall notice: Power supply recall", "Stop using the router and contact support for a free replacement.", `role="alert"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the published recall's page lacks %q:\n%s", want, page)
		}
	}

	// The same notice through GraphQL is the same event, recorded once.
	var pub struct {
		PublishRecall struct {
			Containment, Event string
			Suspects           int
			Duplicate          bool
		}
	}
	ts.data(t, `mutation { publishRecall(containment: "C-zqx-1", title: "Power supply recall",
		text: "Stop using the router and contact support for a free replacement.") { containment event suspects duplicate } }`, nil, &pub)
	var rest tracegraph.PublishResult
	if err := json.Unmarshal(body, &rest); err != nil || pub.PublishRecall.Event != rest.Event || !pub.PublishRecall.Duplicate || pub.PublishRecall.Suspects != 1 {
		t.Errorf("publishRecall = %+v, want a duplicate of the REST publication %s", pub.PublishRecall, body)
	}

	// A lot page (the work order a unit label's (10) names, asked for
	// without a serial) shows the notices that reach any of its units; it
	// echoes the lot asked for and nothing else internal. A lot of another
	// product is no lot of this GTIN.
	lot := "/01/" + publicGTIN + "/10/WO-zqx-2"
	status, _, body = ts.send(t, http.MethodGet, lot, nil, nil)
	page = string(body)
	noLeak(t, "GET "+lot, []byte(strings.ReplaceAll(page, "WO-zqx-2", "")))
	for _, want := range []string{"<dt>Batch</dt><dd>WO-zqx-2</dd>", "Recall notice: Power supply recall", "some or all units of batch WO-zqx-2"} {
		if status != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("GET %s = %d, lacks %q:\n%s", lot, status, want, page)
		}
	}
	if status, _, body = ts.send(t, http.MethodGet, "/01/"+publicGTIN+"/10/WO-zqx-1", nil, nil); status != http.StatusNotFound {
		t.Errorf("the lot of another product = %d %s, want 404", status, body)
	}

	tests := []struct {
		name, path, accept string
		status             int
		location, body     string // a redirect's target; a text the answer holds
	}{
		{"keys as names, upper case", "/GTIN/" + publicGTIN + "/SER/SN-V1-0001", "", 200, "", "Vega Home Router"},
		{"keys as names, lower case, GTIN-13", "/gtin/9506000134352/ser/SN-V1-0001", "", 200, "", "SN-V1-0001"},
		{"with a lot", "/01/" + publicGTIN + "/10/L1/21/SN-V1-0001", "", 200, "", "SN-V1-0001"},
		{"product page", "/01/" + publicGTIN, "", 200, "", "Vega Home Router"},
		{"no such lot", "/01/" + publicGTIN + "/10/L1", "", 404, "", "NOT_FOUND"},
		{"SSCC", "/00/004012345000000425", "", 200, "", "1 box"},
		{"pip", publicUnit + "?linkType=gs1:pip", "", 307, "https://products.example.com/vega", ""},
		{"pip, short", publicUnit + "?linkType=pip", "", 307, "https://products.example.com/vega", ""},
		{"warranty as a URI", publicUnit + "?linkType=https://gs1.org/voc/warranty", "", 307, "https://products.example.com/vega/warranty", ""},
		{"default link", publicUnit + "?linkType=gs1:defaultLink", "", 200, "", "Vega Home Router"},
		{"no such link", publicUnit + "?linkType=gs1:dpp", "", 404, "", "NOT_FOUND"},
		{"no such unit", "/01/" + publicGTIN + "/21/SN-NOPE", "", 404, "", "NOT_FOUND"},
		{"the unit under another GTIN", "/01/04006381333931/21/SN-V1-0001", "", 404, "", "NOT_FOUND"},
		{"wrong check digit", "/01/09506000134353/21/SN-V1-0001", "", 400, "", "check digit"},
		{"not a qualifier", "/01/" + publicGTIN + "/17/260101", "", 400, "", "not a key qualifier"},
		{"no SSCC", "/00/004012345000000432", "", 404, "", "NOT_FOUND"},
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+tt.path, nil)
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			noLeak(t, "GET "+tt.path, b)
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location || !strings.Contains(string(b), tt.body) {
				t.Errorf("GET %s = %d Location %q %s, want %d %q holding %q", tt.path, resp.StatusCode, resp.Header.Get("Location"), b, tt.status, tt.location, tt.body)
			}
		})
	}

	// The linkset, by linkType=all or by Accept.
	for _, h := range []map[string]string{nil, {"Accept": "application/linkset+json"}} {
		path := publicUnit
		if h == nil {
			path += "?linkType=all"
		}
		status, hdr, body := get(path, h)
		var ls struct {
			Linkset []map[string]json.RawMessage `json:"linkset"`
		}
		if status != 200 || hdr.Get("Content-Type") != "application/linkset+json" || json.Unmarshal([]byte(body), &ls) != nil || len(ls.Linkset) != 1 {
			t.Fatalf("GET %s %v = %d %s %s", path, h, status, hdr.Get("Content-Type"), body)
		}
		l := ls.Linkset[0]
		var anchor string
		_ = json.Unmarshal(l["anchor"], &anchor)
		if !strings.HasSuffix(anchor, publicUnit) {
			t.Errorf("linkset anchor = %q, want …%s", anchor, publicUnit)
		}
		for _, rel := range []string{"pip", "support", "instructions", "warranty", "accessories", "locationInfo", "defaultLink"} {
			if _, ok := l["https://gs1.org/voc/"+rel]; !ok {
				t.Errorf("linkset lacks https://gs1.org/voc/%s: %s", rel, body)
			}
		}
	}
}

// TestPublicRoutesOpen: with authentication on, the resolver answers
// without a token while the label route still asks for one.
func TestPublicRoutesOpen(t *testing.T) {
	ts := startPublic(t, func(c *server.Config) { c.Auth = server.AuthConfig{HS256Secret: []byte(strings.Repeat("k", 32))} })
	if status, _, body := ts.send(t, http.MethodGet, publicUnit, nil, nil); status != http.StatusOK || !strings.Contains(string(body), "Vega Home Router") {
		t.Errorf("GET %s without a token = %d %s, want the page", publicUnit, status, body)
	}
	if status, _, _ := ts.send(t, http.MethodGet, "/api/v1/labels/Unit:SN-V1-0001", nil, nil); status != http.StatusUnauthorized {
		t.Errorf("GET a label without a token = %d, want 401", status)
	}
}

// TestPublicRateLimit: a client that asks faster than the limit is told to
// wait (429 RATE_LIMITED, Retry-After).
func TestPublicRateLimit(t *testing.T) {
	ts := startPublic(t, nil)
	limited := 0
	for i := 0; i < 40 && limited == 0; i++ {
		status, h, body := ts.send(t, http.MethodGet, "/01/"+publicGTIN, nil, nil)
		switch status {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			limited++
			if h.Get("Retry-After") == "" || !strings.Contains(string(body), "RATE_LIMITED") {
				t.Errorf("429 without Retry-After or code: %v %s", h, body)
			}
			if i < 20 {
				t.Errorf("limited after %d requests, want at least the burst of 20", i)
			}
		default:
			t.Fatalf("GET = %d %s", status, body)
		}
	}
	if limited == 0 {
		t.Errorf("40 requests at once were never limited")
	}
}
