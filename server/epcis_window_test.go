package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/cyphertest"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

// scanOnly is a store without its event time index (tracegraph.
// EventTimeIndex): the EPCIS events query reads its log, as before the index.
type scanOnly struct{ tracegraph.Store }

// TestEPCISEventTimeIndexAgreesWithScan: the EPCIS events query answers the
// same through the event time index as by reading the log (a scan bound
// larger than the log, so that the scan's pages are whole too), page by
// page, body and next link byte for byte, for windows of event and record
// time, alone and with the other filters, on a generated factory with
// events out of time order (also on Neo4j under TestNeo4j).
func TestEPCISEventTimeIndexAgreesWithScan(t *testing.T) {
	base := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	var ticks atomic.Int64
	recordClock := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Minute) }
	var st tracegraph.Store
	if onNeo4j(t) {
		st = cyphertest.Open(t, recordClock)
	} else {
		var err error
		if st, err = embedded.Open(t.TempDir(), embedded.Options{Clock: recordClock}); err != nil {
			t.Fatal(err)
		}
	}
	applyFactory(t, st, 250, nil)
	// Events out of time order, as a partner's capture of history: at
	// random times around the factory's, some at the same instant as
	// others, some scrapped.
	rng := rand.New(rand.NewPCG(14, 15))
	first, err := st.Events(context.Background(), 0, 1)
	if err != nil || len(first) != 1 {
		t.Fatalf("Events = %v, %v", first, err)
	}
	var late []*tracegraph.Event
	for i := range 1500 {
		at := first[0].Time.Add(time.Duration(rng.Int64N(int64(30*24*time.Hour))) - 10*24*time.Hour).Truncate(time.Duration(1+i%3) * time.Minute)
		line := fmt.Sprintf(`{"id":"late-%d","type":"unit.created","time":%q,"data":{"serial":"LATE-%d","partNumber":"P"}}`, i, at.Format(time.RFC3339Nano), i)
		if i%10 == 9 {
			line = fmt.Sprintf(`{"id":"late-x%d","type":"unit.scrapped","time":%q,"data":{"unit":"LATE-%d","reason":"dropped"}}`, i, at.Format(time.RFC3339Nano), i-1)
		}
		ev, err := tracegraph.DecodeEvent([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		late = append(late, ev)
	}
	for i := 0; i < len(late); i += 500 {
		if outs, err := st.Apply(context.Background(), late[i:i+500], tracegraph.ApplyOptions{}); err != nil || tracegraph.CountOutcomes(outs).Accepted != 500 {
			t.Fatalf("Apply = %v, %v", outs, err)
		}
	}
	indexed := startWith(t, st, nil)
	scan, err := server.New(server.Config{Store: scanOnly{st}, Now: clock, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	head, _, err := st.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.Events(ctx, 0, int(head))
	if err != nil {
		t.Fatal(err)
	}
	instant := func() time.Time {
		switch rng.IntN(4) {
		case 0:
			return all[rng.IntN(len(all))].Time // an event's own time
		case 1:
			return all[rng.IntN(len(all))].RecordedAt
		default:
			return all[0].Time.Add(time.Duration(rng.Int64N(int64(40*24*time.Hour))) - 20*24*time.Hour)
		}
	}
	var queries []url.Values
	for i := range 60 {
		q := url.Values{}
		from := instant()
		switch i % 4 {
		case 0:
			q.Set("GE_eventTime", from.Format(time.RFC3339Nano))
		case 1:
			q.Set("GE_eventTime", from.Format(time.RFC3339Nano))
			q.Set("LT_eventTime", from.Add(time.Hour).Format(time.RFC3339Nano)) // an hour
		case 2:
			q.Set("LT_eventTime", from.Format(time.RFC3339Nano))
		case 3:
			q.Set("GE_eventTime", from.Format(time.RFC3339Nano))
			q.Set("LT_eventTime", instant().Format(time.RFC3339Nano))
		}
		switch rng.IntN(6) {
		case 0:
			q.Set("EQ_bizStep", []string{"commissioning", "packing", "destroying", "inspecting", "receiving"}[rng.IntN(5)])
		case 1:
			q.Set("eventType", []string{"ObjectEvent", "AggregationEvent", "TransformationEvent"}[rng.IntN(3)])
		case 2:
			q.Set("GE_recordTime", base.Add(time.Duration(rng.IntN(int(ticks.Load())))*time.Minute).Format(time.RFC3339))
		case 3:
			q.Set("LT_recordTime", base.Add(time.Duration(rng.IntN(int(ticks.Load())))*time.Minute).Format(time.RFC3339))
		}
		q.Set("perPage", fmt.Sprint([]int{1, 13, 100, 1000}[rng.IntN(4)]))
		queries = append(queries, q)
	}
	queries = append(queries,
		url.Values{"GE_eventTime": {"2099-01-01T00:00:00Z"}},                                             // past every event: nothing
		url.Values{"LT_eventTime": {"2000-01-01T00:00:00Z"}},                                             // before every event: nothing
		url.Values{"GE_eventTime": {"2000-01-01T00:00:00Z"}, "perPage": {"1000"}},                        // every event
		url.Values{"GE_eventTime": {all[len(all)/2].Time.Format(time.RFC3339Nano)}, "perPage": {"1000"}}, // from an event on
		url.Values{"LT_recordTime": {base.Add(3 * time.Minute).Format(time.RFC3339)}, "EQ_bizStep": {"destroying"}},
	)
	pages, events := 0, 0
	for _, q := range queries {
		for next, n := "/epcis/events?"+q.Encode(), 0; next != "" && n < 15; n++ {
			rec := httptest.NewRecorder()
			scan.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, next, nil))
			status, h, body := indexed.do(t, http.MethodGet, next, "", "", nil)
			if status != rec.Code || string(body) != rec.Body.String() || h.Get("Link") != rec.Header().Get("Link") {
				t.Fatalf("GET %s:\nindexed %d, Link %q\n%.2000s\nscan %d, Link %q\n%.2000s", next, status, h.Get("Link"), body, rec.Code, rec.Header().Get("Link"), rec.Body)
			}
			pages++
			events += strings.Count(string(body), `"eventID"`)
			next = ""
			if l := h.Get("Link"); l != "" {
				next = strings.TrimPrefix(strings.Split(l, ">")[0], "<")
			}
		}
	}
	t.Logf("%d queries, %d pages, %d events alike over a log of %d events", len(queries), pages, events, len(all))
	if events == 0 {
		t.Fatal("no query matched an event")
	}
}
