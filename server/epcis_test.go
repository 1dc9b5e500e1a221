package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/ingest/epcis"
	"github.com/tracegraph/tracegraph/server"
)

// TestEPCISCaptureAndQuery captures a GS1 example over HTTP, reads its job
// and queries its events back as EPCIS.
func TestEPCISCaptureAndQuery(t *testing.T) {
	ts := start(t, nil)
	doc, err := os.ReadFile("../ingest/epcis/testdata/gs1/Example_9.6.1-ObjectEvent.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	// The lot of a consumption, and the consumption, in a second document.
	lot := `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0",
		"creationDate":"2026-03-04T08:00:00Z","epcisBody":{"eventList":[
		{"type":"ObjectEvent","action":"ADD","bizStep":"receiving","eventTime":"2026-03-04T08:00:00Z","eventTimeZoneOffset":"+00:00",
		 "quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":100}]},
		{"type":"TransformationEvent","eventTime":"2026-03-04T09:00:00Z","eventTimeZoneOffset":"+00:00",
		 "inputQuantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":1}],"outputEPCList":["urn:epc:id:sgtin:0614141.107346.2017"]}]}}`
	if status, _, body := ts.do(t, http.MethodPost, "/epcis/capture", "application/ld+json", "", []byte(lot)); status != http.StatusAccepted || !strings.Contains(string(body), `"success":true`) {
		t.Fatalf("POST /epcis/capture (a lot and its use) = %d %s", status, body)
	}
	status, h, body := ts.do(t, http.MethodPost, "/epcis/capture", "application/ld+json", "", doc)
	var job server.CaptureJob
	if status != http.StatusAccepted || json.Unmarshal(body, &job) != nil || !job.Success || job.Accepted == 0 {
		t.Fatalf("POST /epcis/capture = %d %s, want 202 and a successful job", status, body)
	}
	if loc := h.Get("Location"); loc != "/epcis/capture/"+job.CaptureID {
		t.Errorf("Location = %q, want /epcis/capture/%s", loc, job.CaptureID)
	}
	if status, _, body := ts.do(t, http.MethodGet, "/epcis/capture/"+job.CaptureID, "", "", nil); status != http.StatusOK || !strings.Contains(string(body), `"success":true`) {
		t.Errorf("GET the job = %d %s", status, body)
	}
	// A job that recorded events is answered from the log, as after a
	// restart; one made up is not.
	restarted := startWith(t, ts.Store, nil)
	if status, _, body := restarted.do(t, http.MethodGet, "/epcis/capture/"+job.CaptureID, "", "", nil); status != http.StatusOK || !strings.Contains(string(body), `"success":true`) {
		t.Errorf("GET the job from another server = %d %s", status, body)
	}
	made := strings.Split(job.CaptureID, "-")
	for _, id := range []string{made[0] + "-" + made[1] + "-0123456789abcdef", "1-1-" + made[2], "m-1-0123456789abcdef"} {
		if status, _, body := restarted.do(t, http.MethodGet, "/epcis/capture/"+id, "", "", nil); status != http.StatusNotFound {
			t.Errorf("GET /epcis/capture/%s = %d %s, want 404", id, status, body)
		}
	}

	q := url.Values{"MATCH_epc": {"urn:epc:id:sgtin:0614141.107346.2017"}, "EQ_bizStep": {"shipping"}}
	status, _, body = ts.do(t, http.MethodGet, "/epcis/events?"+q.Encode(), "", "", nil)
	if status != http.StatusOK || strings.Count(string(body), `"eventID"`) != 1 || !strings.Contains(string(body), `"EPCISQueryDocument"`) {
		t.Fatalf("GET /epcis/events?%s = %d %s, want the one shipping event", q.Encode(), status, body)
	}
	v, err := epcis.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	status, _, body = ts.do(t, http.MethodGet, "/epcis/events", "", "", nil)
	if err := v.ValidateQueryDocument(body); status != http.StatusOK || err != nil {
		t.Errorf("GET /epcis/events = %d, not a valid EPCISQueryDocument: %v", status, err)
	}
	// A lot's consumptions are its events too.
	q = url.Values{"MATCH_anyEPC": {"urn:epc:class:lgtin:4012345.012345.998877"}}
	status, _, body = ts.do(t, http.MethodGet, "/epcis/events?"+q.Encode(), "", "", nil)
	if status != http.StatusOK || strings.Count(string(body), `"type":"TransformationEvent"`) != 1 || strings.Count(string(body), `"eventID"`) != 2 {
		t.Errorf("GET /epcis/events?%s = %d %s, want the lot's receipt and its consumption", q.Encode(), status, body)
	}
	status, h, body = ts.do(t, http.MethodGet, "/epcis/events?perPage=1", "", "", nil)
	if status != http.StatusOK || !strings.Contains(h.Get("Link"), `rel="next"`) || !strings.Contains(h.Get("Link"), "nextPageToken=") {
		t.Errorf("GET /epcis/events?perPage=1 = %d, Link %q, want a next link", status, h.Get("Link"))
	}
	var one map[string]any
	status, _, body = ts.do(t, http.MethodGet, "/epcis/events/"+url.PathEscape("ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0"), "", "", nil)
	if status != http.StatusOK || json.Unmarshal(body, &one) != nil || one["type"] != "ObjectEvent" || one["bizStep"] != "shipping" || one["eventTimeZoneOffset"] != "-06:00" {
		t.Errorf("GET /epcis/events/{eventID} = %d %s", status, body)
	}
}

// TestEPCISCaptureRefused: a document the schema refuses is a 400 that
// says where, and changes nothing; so is a body of the wrong type.
func TestEPCISCaptureRefused(t *testing.T) {
	ts := start(t, nil)
	bad := []struct{ name, ct, body, want string }{
		{"no eventTime", "application/ld+json", `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-04T08:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"ADD","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`, "eventTime"},
		{"bad EPC", "application/json", `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-04T08:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"ADD","eventTime":"2026-03-04T08:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1","urn:epc:id:sgtin:0614141.10734.1"]}]}}`, "epcisBody.eventList[0]"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := ts.do(t, http.MethodPost, "/epcis/capture", tt.ct, "", []byte(tt.body))
			if status != http.StatusBadRequest || errorCode(body) != "INVALID" || !strings.Contains(string(body), tt.want) {
				t.Errorf("POST /epcis/capture = %d %s, want 400 INVALID mentioning %q", status, body, tt.want)
			}
			if seq, _, _ := ts.Store.Head(context.Background()); seq != 0 {
				t.Errorf("the log has %d events after a refused capture", seq)
			}
		})
	}
	if status, _, _ := ts.do(t, http.MethodPost, "/epcis/capture", "text/plain", "", []byte("{}")); status != http.StatusUnsupportedMediaType {
		t.Errorf("POST /epcis/capture as text/plain = %d, want 415", status)
	}
	// What the events' own checks refuse refuses the document in its job.
	old := `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-04T08:00:00Z","epcisBody":{"eventList":[
		{"type":"ObjectEvent","action":"ADD","eventTime":"2026-03-04T08:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]},
		{"type":"ObjectEvent","action":"ADD","eventTime":"1960-03-04T08:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.2"]}]}}`
	status, _, body := ts.do(t, http.MethodPost, "/epcis/capture", "application/ld+json", "", []byte(old))
	var job server.CaptureJob
	if status != http.StatusAccepted || json.Unmarshal(body, &job) != nil || job.Success || len(job.Errors) != 1 || job.Errors[0].Field != "time" {
		t.Errorf("POST /epcis/capture with a time before 1970 = %d %s, want 202 and a job refused on time", status, body)
	}
	if seq, _, _ := ts.Store.Head(context.Background()); seq != 0 {
		t.Errorf("the log has %d events after a refused capture", seq)
	}
	small := start(t, func(c *server.Config) { c.MaxEventsPerRequest = 2 })
	doc, err := os.ReadFile("../ingest/epcis/testdata/gs1/Example_9.6.1-ObjectEvent.jsonld") // 2 events and 2 units commissioned
	if err != nil {
		t.Fatal(err)
	}
	if status, _, body := small.do(t, http.MethodPost, "/epcis/capture", "application/ld+json", "", doc); status != http.StatusRequestEntityTooLarge || errorCode(body) != "LIMIT" {
		t.Errorf("POST /epcis/capture beyond MaxEventsPerRequest = %d %s, want 413 LIMIT", status, body)
	}
	if seq, _, _ := small.Store.Head(context.Background()); seq != 0 {
		t.Errorf("the log has %d events after a capture beyond the limit", seq)
	}
}
