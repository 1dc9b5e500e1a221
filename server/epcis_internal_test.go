package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

// TestEPCISScanBound: a query without EPCs reads at most maxScan log
// events for a page; a short page links on from where the reading stopped,
// and following the links finds every match.
func TestEPCISScanBound(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var evs []*tracegraph.Event
	for i, typ := range []tracegraph.EventType{"unit.created", "unit.created", "unit.created", "unit.created", "unit.scrapped", "unit.created", "unit.created", "unit.scrapped"} {
		data := `{"serial":"S` + string(rune('0'+i)) + `","partNumber":"P"}`
		if typ == tracegraph.EventUnitScrapped {
			data = `{"unit":"S` + string(rune('0'+i-1)) + `","reason":"burnt"}`
		}
		ev, err := tracegraph.DecodeEvent([]byte(`{"id":"e` + string(rune('0'+i)) + `","type":"` + string(typ) + `","time":"2026-03-01T08:00:0` + string(rune('0'+i)) + `Z","data":` + data + `}`))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if outs, err := st.Apply(context.Background(), evs, tracegraph.ApplyOptions{Atomic: true}); err != nil || tracegraph.CountOutcomes(outs).Accepted != len(evs) {
		t.Fatalf("Apply = %v, %v", outs, err)
	}
	s, err := New(Config{Store: st, Now: func() time.Time { return time.Unix(0, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	s.epcis.maxScan = 3
	var found []string
	pages := 0
	for next := "/epcis/events?EQ_bizStep=destroying"; next != ""; pages++ {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, next, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", next, rec.Code, rec.Body)
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
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		for _, e := range doc.EPCISBody.QueryResults.ResultsBody.EventList {
			found = append(found, e["eventID"].(string))
		}
		next = ""
		if l := rec.Header().Get("Link"); l != "" {
			next = strings.TrimPrefix(strings.Split(l, ">")[0], "<")
		}
		if pages > 10 {
			t.Fatal("the links do not end")
		}
	}
	if strings.Join(found, " ") != "urn:tracegraph:event:e4 urn:tracegraph:event:e7" || pages != 3 {
		t.Errorf("following the links found %v in %d pages, want e4 and e7 in 3 pages of at most 3 events read", found, pages)
	}
}

// TestEPCISRecordTimeFindsItsStart: a query by record time starts reading
// the log where the window begins, not at its first event: with a scan
// bound of 3 events, the one event recorded after 10 others is on the
// first page.
func TestEPCISRecordTimeFindsItsStart(t *testing.T) {
	st := recordedStore(t, func(i int) (string, time.Duration) {
		return "2026-03-01T08:00:00Z", time.Hour * time.Duration(i/10)
	})
	s, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	s.epcis.maxScan = 3
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/epcis/events?GE_recordTime=2026-03-01T12:30:00Z", nil))
	if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), `"eventID"`) != 1 || !strings.Contains(rec.Body.String(), "urn:tracegraph:event:r10") || rec.Header().Get("Link") != "" {
		t.Errorf("GET /epcis/events?GE_recordTime=… = %d, Link %q, %s; want the one event recorded in the window, on one page", rec.Code, rec.Header().Get("Link"), rec.Body)
	}
}

// TestEPCISEventTimeSeeks: a query by event time reads the window's events
// through the store's event time index, not the log: with a scan bound of 3
// events, the one event of the window, the 11th of the log, is on the first
// page, which has no next link. A record-time window ends where its last
// event is (LT_recordTime, found by halves): a query read to its end, not
// to the scan bound, has no next link either.
func TestEPCISEventTimeSeeks(t *testing.T) {
	st := recordedStore(t, func(i int) (string, time.Duration) {
		if i == 10 {
			return "2026-03-02T08:00:00Z", time.Hour
		}
		return "2026-03-01T08:00:00Z", time.Hour * time.Duration(min(i, 1))
	})
	s, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	s.epcis.maxScan = 3
	for _, tc := range []struct{ query, want string }{
		{"GE_eventTime=2026-03-02T00:00:00Z", "urn:tracegraph:event:r10"},
		{"GE_eventTime=2026-03-02T00:00:00Z&EQ_bizStep=commissioning", "urn:tracegraph:event:r10"},
		{"LT_eventTime=2026-03-02T00:00:00Z&GE_recordTime=2026-03-01T12:30:00Z&nextPageToken=9", "urn:tracegraph:event:r9"},
		{"LT_recordTime=2026-03-01T12:30:00Z&EQ_bizStep=commissioning", "urn:tracegraph:event:r0"},
	} {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/epcis/events?"+tc.query, nil))
		if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), `"eventID"`) != 1 || !strings.Contains(rec.Body.String(), `"`+tc.want+`"`) || rec.Header().Get("Link") != "" {
			t.Errorf("GET /epcis/events?%s = %d, Link %q, %s; want %s alone, on one page", tc.query, rec.Code, rec.Header().Get("Link"), rec.Body, tc.want)
		}
	}
}

// recordedStore is an embedded store holding 11 unit.created events, the
// i-th (r0 … r10, seq i+1) at the event time at(i) gives, recorded that long
// after 2026-03-01T12:00:00Z.
func recordedStore(t *testing.T, at func(i int) (string, time.Duration)) *embedded.Store {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	st, err := embedded.Open(t.TempDir(), embedded.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i := range 11 {
		evTime, recorded := at(i)
		now = t0.Add(recorded)
		ev, err := tracegraph.DecodeEvent([]byte(`{"id":"r` + strconv.Itoa(i) + `","type":"unit.created","time":"` + evTime + `","data":{"serial":"R` + strconv.Itoa(i) + `","partNumber":"P"}}`))
		if err != nil {
			t.Fatal(err)
		}
		if outs, err := st.Apply(context.Background(), []*tracegraph.Event{ev}, tracegraph.ApplyOptions{}); err != nil || outs[0].Status != tracegraph.OutcomeAccepted {
			t.Fatalf("Apply = %v, %v", outs, err)
		}
	}
	return st
}
