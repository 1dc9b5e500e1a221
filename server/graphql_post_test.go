package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/tracegraph/tracegraph/bench"
	"github.com/tracegraph/tracegraph/resolvers"
	"github.com/tracegraph/tracegraph/server"
)

// TestGraphQLAnswersByteForByte: the server's POST transport writes the
// answer itself instead of handing it to json.Marshal (writeResponse); every
// answer, status and Content-Type stays exactly gqlgen's. Each request goes
// to the served handler and to the reference (gqlgen's transport.POST, as
// before) over the same store, and the answers are compared byte for byte:
// selection sets with fragments, aliases, directives and variables, errors
// (parse, validation, variables, resolvers), partial results, introspection,
// mutations, refused bodies, and strings that json.Marshal escapes.
func TestGraphQLAnswersByteForByte(t *testing.T) {
	ts := startScenario(t, nil)
	// A lot whose text json.Marshal rewrites (<, >, &, U+2028, U+2029), sent
	// with spaces between the tokens of its data.
	postOddLot(t, ts, `"quantity" : 5`)
	served, reference, err := server.GraphQLHandlers(server.Config{Store: ts.Store, Now: clock, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	body := func(query string, vars map[string]any, op string) string {
		m := map[string]any{"query": query}
		if vars != nil {
			m["variables"] = vars
		}
		if op != "" {
			m["operationName"] = op
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	tests := []struct {
		name   string
		body   string
		accept string
		limit  int64 // body limit, as the server's middleware sets it
		want   string
	}{
		{"typename", body(`{ __typename }`, nil, ""), "", 0, `{"data":{"__typename":"Query"}}`},
		{"README genealogy", body(bench.GenealogyQuery, map[string]any{"id": "Unit:PROD-0002"}, ""), "", 0, `"partNumber":"700-A"`},
		{"aliases", body(`{ a: trace(from: ["Unit:PROD-0002"], direction: UPSTREAM) { t: truncated n: nodes { c: totalCount e: edges { d: depth n: node { i: id } } } }
			b: stats { e: events } c: __typename }`, nil, ""), "", 0, `"a":{"t":false`},
		{"named and inline fragments", body(`query { node(id: "Unit:PCBA-0001") { ...U ... on Node { id } } }
			fragment U on Unit { serial partNumber tests { ...T } } fragment T on TestRun { testType result measurements { name value } }`, nil, ""), "", 0, `"serial":"PCBA-0001"`},
		{"directives", body(`query($full: Boolean!) { node(id: "Unit:PCBA-0001") { id ... on Unit { serial @include(if: $full) partNumber @skip(if: $full) } } }`,
			map[string]any{"full": true}, ""), "", 0, `"serial"`},
		{"unit details", body(`query($id: ID!) { node(id: $id) { id ... on Unit { serial partNumber revision workOrder kind origin status createdAt completedAt
			identifiers { scheme value } onHold tests { id testType result at measurements { name value unit low high result } }
			processSteps { id step recipe parameters result at unitCount }
			consumed { lot { id lot partNumber supplier quantity derivedFrom { id } } precision refDes quantity validFrom validTo edge { type event } }
			children { node { __typename id } position validFrom validTo } container { node { id } }
			events { id seq type time station operator data } } } }`, map[string]any{"id": "Unit:PCBA-0001"}, ""), "", 0, `"events":[`},
		{"escaped strings and raw event data", body(`{ node(id: "MaterialLot:ODD-1") { id ... on MaterialLot { lot partNumber supplier manufacturer events { type data } } } }`, nil, ""),
			"", 0, `\u003c1\u003e\u00262`},
		{"recall", body(`query($s: [ID!]!) { recallImpact(suspects: $s) { suspects confirmedCounts { total shipped } confirmed(first: 3) { totalCount
			pageInfo { hasNextPage endCursor } edges { precision depth status node { id kind } } } customers { node { id } confirmed } } }`,
			map[string]any{"s": []string{"WaferBatch:W1"}}, ""), "", 0, `"confirmedCounts"`},
		{"deferred fragment", body(`{ node(id: "Unit:PCBA-0001") { id ... on Unit @defer(label: "more") { serial tests { id } } } }`, nil, ""), "", 0, `"hasNext":true`},
		{"not found", body(`{ node(id: "Unit:NO-SUCH") { id } }`, nil, ""), "", 0, `{"data":{"node":null}}`},
		{"partial result", body(`{ ok: node(id: "Unit:PCBA-0001") { id } bad: node(id: "not an id") { id } }`, nil, ""), "", 0, `"errors":[`},
		{"error in a list", body(`{ trace(from: ["Unit:PROD-0002", "nonsense"]) { truncated } }`, nil, ""), "", 0, `"errors":[`},
		{"parse error", body(`{ node(id: `, nil, ""), "", 0, `"errors":[`},
		{"validation error", body(`{ nosuchfield }`, nil, ""), "", 0, `"errors":[`},
		{"validation error, graphql-response+json", body(`{ nosuchfield }`, nil, ""), "application/graphql-response+json", 0, `"errors":[`},
		{"accepting anything", body(`{ __typename }`, nil, ""), "text/html, */*;q=0.8", 0, `"Query"`},
		{"accepting nothing known", body(`{ __typename }`, nil, ""), "text/html", 0, `"Query"`},
		{"missing variable", body(`query($id: ID!) { node(id: $id) { id } }`, nil, ""), "", 0, `"errors":[`},
		{"mistyped variable", body(`query($n: Int) { units(first: $n) { totalCount } }`, map[string]any{"n": "many"}, ""), "", 0, `"errors":[`},
		{"chosen operation", body(`query A { stats { events } } query B { __typename }`, nil, "B"), "", 0, `"Query"`},
		{"unnamed operation among several", body(`query A { stats { events } } query B { __typename }`, nil, ""), "", 0, `"errors":[`},
		{"introspection", body(`{ __type(name: "Unit") { name kind fields { name type { name kind ofType { name } } } } }`, nil, ""), "", 0, `"__type"`},
		{"mutation refused", body(`mutation { ingest(events: [{id: "x-1", type: "no.such.type", time: "2026-03-02T06:00:00Z", data: {a: "<&>"}}]) {
			accepted rejected outcomes { id status error { code field message } } } }`, nil, ""), "", 0, `"rejected":1`},
		{"mutation duplicate", body(`mutation { ingest(events: [{id: "odd-1", type: "lot.received", time: "2026-03-02T06:00:00Z",
			data: {lot: "ODD-1", partNumber: "P<1>&2", supplier: "S\u2028&\u2029S", manufacturer: "tab here \"quoted\" \\ <b>", quantity: 5}}]) {
			duplicates outcomes { status } } }`, nil, ""), "", 0, `"duplicates":1`},
		{"not a GraphQL request", `{"query": 5}`, "", 0, `INVALID`},
		{"not JSON", `<html>`, "", 0, `INVALID`},
		{"too large", body(`{ __typename }`, nil, ""), "", 10, `LIMIT`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			do := func(h http.Handler) *httptest.ResponseRecorder {
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tt.body))
				r.Header.Set("Content-Type", "application/json")
				if tt.accept != "" {
					r.Header.Set("Accept", tt.accept)
				}
				w := httptest.NewRecorder()
				if tt.limit > 0 {
					r.Body = http.MaxBytesReader(w, r.Body, tt.limit)
				}
				h.ServeHTTP(w, r)
				return w
			}
			got, want := do(served), do(reference)
			if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Errorf("status %d %q, want %d %q", got.Code, got.Header().Get("Content-Type"), want.Code, want.Header().Get("Content-Type"))
			}
			if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
				t.Fatalf("answers differ:\n got %s\nwant %s", got.Body, want.Body)
			}
			if !strings.Contains(got.Body.String(), tt.want) {
				t.Errorf("answer %.800s does not contain %s", got.Body, tt.want)
			}
		})
	}
}

// postOddLot records the lot ODD-1, whose text json.Marshal rewrites (<, >,
// &, U+2028, U+2029, quotes and backslashes), sent with spaces and a tab
// between the tokens of its data; more is the rest of its data.
func postOddLot(t *testing.T, ts *testServer, more string) {
	t.Helper()
	odd := "{\"id\":\"odd-1\", \"type\":\"lot.received\", \"time\":\"2026-03-02T06:00:00Z\", \"data\": { \"lot\" : \"ODD-1\",\t\"partNumber\": \"P<1>&2\", " +
		"\"supplier\": \"S\u2028&\u2029S\", \"manufacturer\": \"tab here \\\"quoted\\\" \\\\ <b>\", " + more + " } }\n"
	if status, resp := ts.postEvents(t, []byte(odd), "application/x-ndjson", "", ""); status != http.StatusOK || resp.Accepted != 1 {
		t.Fatalf("odd lot: %d %+v", status, resp)
	}
}

// BenchmarkGraphQLTransport compares, in one process, the served POST
// transport with gqlgen's (the reference of TestGraphQLAnswersByteForByte) on
// the README genealogy, without the network and the middleware: what the
// transport costs per query. Allocations per query are exact and ns/op
// ratios between the two are fair on a loaded machine (they alternate).
//
//	go test ./server/ -run '^$' -bench GraphQLTransport -benchmem -count 5 -http-bench-units 2000
func BenchmarkGraphQLTransport(b *testing.B) {
	st, products := loadFactory(b, b.TempDir(), *benchUnits)
	defer st.Close()
	served, reference, err := server.GraphQLHandlers(server.Config{Store: st, Logger: discard()})
	if err != nil {
		b.Fatal(err)
	}
	bodies := make([]string, len(products))
	for i, p := range products {
		q, _ := json.Marshal(map[string]any{"query": bench.GenealogyQuery, "variables": map[string]any{"id": "Unit:" + p}})
		bodies[i] = string(q)
	}
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"served", served}, {"gqlgen", reference}} {
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(bodies[i%len(bodies)]))
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}

// TestDeferredResultPath: a deferred fragment's result carries the path of
// the object it belongs to (graph.deferPath computes it only when something
// is deferred), as the transports that stream incremental results send it.
func TestDeferredResultPath(t *testing.T) {
	ts := startScenario(t, nil)
	exec := executor.New(resolvers.NewExecutableSchema(resolvers.Config{Store: ts.Store, Now: clock}))
	ctx := graphql.StartOperationTrace(context.Background())
	rc, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{
		Query: `{ a: node(id: "Unit:PCBA-0001") { id ... on Unit @defer(label: "more") { tests { testType } } }
			b: node(id: "Unit:PROD-0002") { id ... on Unit @defer(label: "more") { tests { testType } } } }`})
	if errs != nil {
		t.Fatal(errs)
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	var paths []string
	for r := responses(ctx); r != nil; r = responses(ctx) {
		if r.Label != "" {
			paths = append(paths, fmt.Sprintf("%s %s %s", r.Label, r.Path, r.Data))
		}
	}
	slices.Sort(paths)
	want := []string{
		`more a {"tests":[{"testType":"ICT"},{"testType":"FCT"}]}`,
		`more b {"tests":[]}`,
	}
	if !slices.Equal(paths, want) {
		t.Errorf("deferred results\n%s\nwant\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
}
