package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/server"
)

// eventData is a well-formed payload of every event type, so that each can
// be posted.
var eventData = map[tracegraph.EventType]string{
	tracegraph.EventUnitCreated:        `{"serial":"SN-%s","partNumber":"700-A"}`,
	tracegraph.EventIdentifierAssigned: `{"unit":"PROD-0003","scheme":"CUSTOMER_SERIAL","value":"CS-%s"}`,
	tracegraph.EventWaferRegistered:    `{"waferBatch":"W-%s","manufacturer":"SiliconWorks"}`,
	tracegraph.EventLotReceived:        `{"lot":"L-%s","partNumber":"CAP-100N"}`,
	tracegraph.EventComponentReceived:  `{"serials":["C-%s"],"partNumber":"RADIO-LTE"}`,
	tracegraph.EventMaterialConsumed:   `{"unit":"PCBA-0003","lot":"R-CAP-1","refDes":["C%s"]}`,
	tracegraph.EventUnitAssembled:      `{"parent":"PROD-0003","child":"PCBA-%s"}`,
	tracegraph.EventComponentRemoved:   `{"parent":"PROD-0003","child":"PCBA-%s","reason":"rework"}`,
	tracegraph.EventTestRecorded:       `{"unit":"PCBA-0003","testType":"ICT-%s","result":"pass"}`,
	tracegraph.EventProcessRecorded:    `{"units":["PCBA-0003"],"step":"wash-%s"}`,
	tracegraph.EventReadingRecorded:    `{"location":"LINE-%s","kind":"temperature","value":21.5,"unit":"C"}`,
	tracegraph.EventPacked:             `{"container":"BOX-%s","items":["PROD-0003"]}`,
	tracegraph.EventUnpacked:           `{"container":"BOX-%s","items":["PROD-0003"]}`,
	tracegraph.EventShipped:            `{"shipment":"SHP-%s","customer":"ACME","items":["Unit:PROD-0003"]}`,
	tracegraph.EventHoldPlaced:         `{"target":"Unit:PROD-0003","reason":"check %s"}`,
	tracegraph.EventHoldReleased:       `{"target":"Unit:PROD-0003","all":true,"reason":"checked %s"}`,
	tracegraph.EventUnitScrapped:       `{"unit":"PCBA-%s","reason":"burnt"}`,
	tracegraph.EventVoided:             `{"event":"e34","reason":"void %s"}`,
	tracegraph.EventSetupDefined:       `{"setup":"TOP-%s","station":"SMT-1","partNumber":"PCBA","slots":[{"slot":"1","partNumber":"CAP-100N","refDes":["C1"]}]}`,
	tracegraph.EventSetupActivated:     `{"station":"SMT-1","setup":"TOP-%s"}`,
	tracegraph.EventFeederLoaded:       `{"station":"SMT-%s","slot":"1","lot":"R-CAP-1"}`,
	tracegraph.EventFeederSpliced:      `{"station":"SMT-%s","slot":"1","lot":"R-CAP-1"}`,
	tracegraph.EventFeederUnloaded:     `{"station":"SMT-%s","slot":"1"}`,
	tracegraph.EventSplicePassed:       `{"station":"SMT-%s","slot":"1"}`,
	tracegraph.EventUnitPlaced:         `{"unit":"PCBA-0003","station":"SMT-%s"}`,
	tracegraph.EventRouteDefined:       `{"partNumber":"PCBA-%s","requires":["FCT"]}`,
	tracegraph.EventLotBaked:           `{"lot":"L-%s"}`,
	tracegraph.EventProductDefined:     `{"partNumber":"PN-%s","name":"Product"}`,
	tracegraph.EventSerialScheme:       `{"partNumber":"900-A","pattern":"A{seq:5}-%s"}`,
	tracegraph.EventSerialsAllocated:   `{"partNumber":"900-A%s","count":1}`,
	tracegraph.EventRecallPublished:    `{"containment":"C-%s","suspects":["MaterialLot:R-CAP-1"],"text":"Notice"}`,
}

// accessCall is one thing a client may try, the operations of the access
// table it exercises and the roles that may do it.
type accessCall struct {
	name  string
	ops   []tracegraph.Operation
	roles string // space-separated
	// do tries it with token (tag makes ids unique) and returns the HTTP
	// status and the refusal's code ("" when nothing refused it).
	do func(t *testing.T, token, tag string) (int, string)
}

// TestAccessMatrix tries every operation of the access table (every query,
// mutation and subscription, every REST endpoint, every event type posted
// over REST and through ingest) with no token, a token without roles, a
// token of each role and an operator's token without a subject, and checks
// that exactly the allowed ones pass: refusals are FORBIDDEN, or
// UNAUTHENTICATED without a token.
func TestAccessMatrix(t *testing.T) {
	ts := startAuth(t, server.AuthConfig{HS256Secret: []byte(testSecret)})
	if status, resp := ts.postEvents(t, scenario(t), "application/x-ndjson", "", hs(t, claims("loader", "admin"))); status != http.StatusOK {
		t.Fatalf("loading the scenario: %d %+v", status, resp)
	}
	const everyone = "reader operator quality admin"
	var calls []accessCall
	query := func(op tracegraph.Operation, roles, q string) {
		calls = append(calls, accessCall{name: string(op), ops: []tracegraph.Operation{op}, roles: roles,
			do: func(t *testing.T, token, tag string) (int, string) {
				return graphqlCode(t, ts, strings.ReplaceAll(q, "TAG", tag), nil, token)
			}})
	}
	query("Query.node", everyone, `{ node(id: "Unit:PROD-0001") { id } }`)
	query("Query.lookup", everyone, `{ lookup(code: "PROD-0001") { id } }`)
	query("Query.trace", everyone, `{ trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { truncated } }`)
	query("Query.recallImpact", everyone, `{ recallImpact(suspects: ["MaterialLot:R-CAP-2"]) { suspects } }`)
	query("Query.units", everyone, `{ units(first: 1) { totalCount } }`)
	query("Query.stats", everyone, `{ stats { nodes } }`)
	query("Query.whereUsed", everyone, `{ whereUsed(material: {supplier: "SUP-C"}) { __typename } }`)
	query("Query.material", everyone, `{ material(filter: {supplier: "SUP-C"}) { totalCount } }`)
	query("Query.processUnits", everyone, `{ processUnits(filter: {station: "REFLOW-1"}) { totalCount } }`)
	query("Query.testUnits", everyone, `{ testUnits(filter: {testType: "FCT"}) { totalCount } }`)
	query("Query.__schema", everyone, `{ __schema { queryType { name } } }`)
	query("Query.__type", everyone, `{ __type(name: "Unit") { name } }`)
	query("Query.head", everyone, `{ head { seq hash } }`)
	query("Query.product", everyone, `{ product(partNumber: "900-A") { id } }`)
	query("Query.productByGtin", everyone, `{ productByGtin(gtin: "4006381333931") { id } }`)
	query("Query.traceabilityLevel", everyone, `{ traceabilityLevel(unit: "Unit:PROD-0003") { materialLevel } }`)
	query("Mutation.placeHold", "quality admin", `mutation { placeHold(target: "Unit:PROD-0003", reason: "TAG") { event { id } } }`)
	query("Mutation.releaseHold", "quality admin", `mutation { releaseHold(target: "Unit:PROD-0003", reason: "TAG") { event { id } } }`)
	query("Mutation.contain", "quality admin", `mutation { contain(suspects: ["MaterialLot:R-CAP-2"], reason: "TAG", containment: "c-TAG") { placed } }`)
	query("Mutation.releaseContainment", "quality admin", `mutation { releaseContainment(containment: "c-TAG", reason: "TAG") { released } }`)
	query("Mutation.publishRecall", "quality admin", `mutation { publishRecall(containment: "c-TAG", text: "TAG") { event } }`)
	rest := func(op tracegraph.Operation, roles, method, path, body string) {
		calls = append(calls, accessCall{name: string(op), ops: []tracegraph.Operation{op}, roles: roles,
			do: func(t *testing.T, token, tag string) (int, string) {
				status, _, b := ts.do(t, method, strings.ReplaceAll(path, "TAG", tag), "application/json", token, []byte(strings.ReplaceAll(body, "TAG", tag)))
				return status, errorCode(b)
			}})
	}
	rest("GET /api/v1/export/:kind", everyone, http.MethodGet, "/api/v1/export/recall?suspect=MaterialLot:R-CAP-2", "")
	rest("GET /api/v1/head", everyone, http.MethodGet, "/api/v1/head", "")
	rest("GET /api/v1/reports/traceability-level", everyone, http.MethodGet, "/api/v1/reports/traceability-level?unit=Unit:PROD-0003", "")
	rest("GET /api/v1/verify", "admin", http.MethodGet, "/api/v1/verify", "")
	rest("POST /api/v1/containments", "quality admin", http.MethodPost, "/api/v1/containments", `{"suspects":["MaterialLot:R-CAP-1"],"reason":"TAG","containment":"r-TAG"}`)
	rest("POST /api/v1/containments/:id/release", "quality admin", http.MethodPost, "/api/v1/containments/r-TAG/release", `{"reason":"TAG"}`)
	rest("POST /api/v1/containments/:id/publish", "quality admin", http.MethodPost, "/api/v1/containments/r-TAG/publish", `{"text":"Notice TAG"}`)
	rest("GET /api/v1/labels/:id", everyone, http.MethodGet, "/api/v1/labels/Pallet:PAL-1?format=zpl", "")
	rest("POST /api/v1/admin/backup", "admin", http.MethodPost, "/api/v1/admin/backup", "")
	rest("GET /api/v1/admin/log", "admin", http.MethodGet, "/api/v1/admin/log?after=30", "")
	rest("GET /epcis/events", everyone, http.MethodGet, "/epcis/events?perPage=1", "")
	rest("GET /epcis/events/:eventID", everyone, http.MethodGet, "/epcis/events/e34", "")
	rest("GET /epcis/capture/:id", everyone, http.MethodGet, "/epcis/capture/0.1.1", "")
	rest("POST /epcis/capture", "operator admin", http.MethodPost, "/epcis/capture", `{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
		"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-04T08:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent",
		"action":"ADD","bizStep":"commissioning","eventTime":"2026-03-04T08:00:00Z","eventTimeZoneOffset":"+00:00","eventID":"urn:uuid:TAG",
		"epcList":["urn:epc:id:sgtin:0614141.107346.EPCIS-TAG"]}]}}`)
	rest("POST /api/v1/serials", "operator admin", http.MethodPost, "/api/v1/serials", `{"partNumber":"900-A","count":1,"request":"rq-TAG"}`)
	query("Mutation.allocateSerials", "operator admin", `mutation { allocateSerials(partNumber: "900-A", count: 1, request: "rm-TAG") { serials } }`)
	rest("POST /api/v1/cfx", "operator admin", http.MethodPost, "/api/v1/cfx", `{"MessageName":"CFX.EndpointConnected","UniqueID":"TAG","TimeStamp":"2026-03-04T08:00:00Z","MessageBody":{}}`)
	for _, et := range tracegraph.AllEventTypes() {
		roles := "operator admin"
		switch et {
		case tracegraph.EventHoldPlaced, tracegraph.EventHoldReleased, tracegraph.EventRecallPublished:
			roles = "quality admin"
		case tracegraph.EventVoided:
			roles = "admin"
		}
		event := func(tag string) map[string]any {
			return map[string]any{"id": fmt.Sprintf("%s-%s", et, tag), "type": et, "time": "2026-03-04T08:00:00Z",
				"data": json.RawMessage(fmt.Sprintf(eventData[et], tag))}
		}
		calls = append(calls, accessCall{name: "POST " + string(et), roles: roles,
			ops: []tracegraph.Operation{"POST /api/v1/events", tracegraph.EventOperation(et)},
			do: func(t *testing.T, token, tag string) (int, string) {
				b, _ := json.Marshal(event("r" + tag))
				status, _, body := ts.do(t, http.MethodPost, "/api/v1/events", "application/x-ndjson", token, b)
				var resp server.EventsResponse
				if json.Unmarshal(body, &resp) == nil && len(resp.Outcomes) == 1 && resp.Outcomes[0].Error != nil {
					return status, string(resp.Outcomes[0].Error.Code)
				}
				return status, errorCode(body)
			}})
		calls = append(calls, accessCall{name: "ingest " + string(et), roles: roles,
			ops: []tracegraph.Operation{"Mutation.ingest", tracegraph.EventOperation(et)},
			do: func(t *testing.T, token, tag string) (int, string) {
				return graphqlCode(t, ts, `mutation($e: [EventInput!]!) { ingest(events: $e) { outcomes { error { code } } } }`,
					map[string]any{"e": []any{event("g" + tag)}}, token)
			}})
	}
	calls = append(calls, accessCall{name: "Subscription.events", ops: []tracegraph.Operation{"Subscription.events"}, roles: everyone,
		do: func(t *testing.T, token, _ string) (int, string) {
			return http.StatusOK, subscriptionCode(t, ts, token)
		}})

	// Every operation of the table is tried.
	tried := map[tracegraph.Operation]bool{}
	for _, c := range calls {
		for _, op := range c.ops {
			tried[op] = true
		}
	}
	for _, g := range tracegraph.Grants() {
		if !tried[g.Operation] {
			t.Errorf("%s is in the access table but not tried here", g.Operation)
		}
	}

	principals := []struct {
		name, token string
		may         func(roles string) bool
	}{
		{"no token", "", func(string) bool { return false }},
		{"no role", hs(t, claims("nobody")), func(string) bool { return false }},
		{"reader", hs(t, claims("rita", "reader")), nil},
		{"operator", hs(t, claims("olivia", "operator")), nil},
		{"quality", hs(t, claims("quinn", "quality")), nil},
		{"admin", hs(t, claims("ada", "admin")), nil},
		{"operator without subject", hs(t, claims("", "operator")), func(roles string) bool { return roles == everyone }},
		{"unknown role names", hs(t, claims("ursula", "superuser", "write")), func(string) bool { return false }},
	}
	n := 0
	for pi, p := range principals {
		for _, c := range calls {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				n++
				allowed := false
				if p.may != nil {
					allowed = p.may(c.roles)
				} else {
					allowed = slices.Contains(strings.Fields(c.roles), p.name)
				}
				status, code := c.do(t, p.token, fmt.Sprint(pi))
				switch {
				case allowed && (code == "FORBIDDEN" || code == "UNAUTHENTICATED" || status == http.StatusForbidden || status == http.StatusUnauthorized):
					t.Errorf("status %d code %s, want allowed", status, code)
				case !allowed && p.token == "" && (code != "UNAUTHENTICATED" || status != http.StatusUnauthorized && c.name != "Subscription.events"):
					t.Errorf("status %d code %q, want 401 UNAUTHENTICATED", status, code)
				case !allowed && p.token != "" && code != "FORBIDDEN":
					t.Errorf("status %d code %q, want FORBIDDEN", status, code)
				}
			})
		}
	}
	t.Logf("%d operations tried with %d principals: %d cases", len(calls), len(principals), n)
}

// graphqlCode posts a GraphQL operation and returns the status and the code
// of the first error, of the request or of an ingest outcome.
func graphqlCode(t *testing.T, ts *testServer, q string, vars map[string]any, token string) (int, string) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	status, _, body := ts.do(t, http.MethodPost, "/graphql", "application/json", token, b)
	var r gqlResponse
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("POST /graphql: %d %s", status, body)
	}
	if code := r.code(); code != "" {
		return status, code
	}
	var ingest struct {
		Ingest struct {
			Outcomes []struct{ Error *struct{ Code string } }
		}
	}
	if json.Unmarshal(r.Data, &ingest) == nil && len(ingest.Ingest.Outcomes) == 1 && ingest.Ingest.Outcomes[0].Error != nil {
		return status, ingest.Ingest.Outcomes[0].Error.Code
	}
	return status, errorCode(body)
}

// errorCode is the code of a REST error answer ("" for any other body).
func errorCode(body []byte) string {
	var e struct{ Error struct{ Code string } }
	_ = json.Unmarshal(body, &e)
	return e.Error.Code
}

// subscriptionCode subscribes to the events with token in connection_init
// and returns the code of the refusal, "" when the first event arrives.
func subscriptionCode(t *testing.T, ts *testServer, token string) string {
	t.Helper()
	ctx := t.Context()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	init := map[string]any{}
	if token != "" {
		init["Authorization"] = "Bearer " + token
	}
	payload, _ := json.Marshal(init)
	if err := wsjson.Write(ctx, c, wsMessage{Type: "connection_init", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	var ack wsMessage
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack.Type != "connection_ack" {
		// The connection is refused: the token is missing or not valid.
		if strings.Contains(fmt.Sprint(err), "UNAUTHENTICATED: a bearer token is required") {
			return "UNAUTHENTICATED"
		}
		t.Fatalf("connection_init: %v %s %s", err, ack.Type, ack.Payload)
	}
	sub, _ := json.Marshal(map[string]any{"query": `subscription { events(after: 0) { seq } }`})
	if err := wsjson.Write(ctx, c, wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		t.Fatal(err)
	}
	m := next(t, ctx, c)
	switch m.Type {
	case "next": // an event, or the refusal of the operation
		var r gqlResponse
		if err := json.Unmarshal(m.Payload, &r); err == nil {
			return r.code()
		}
	case "error":
		var errs []gqlError
		_ = json.Unmarshal(m.Payload, &errs)
		if len(errs) > 0 {
			s, _ := errs[0].Extensions["code"].(string)
			return s
		}
	}
	t.Fatalf("subscription: %s %s", m.Type, m.Payload)
	return ""
}
