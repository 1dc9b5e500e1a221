package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/bench"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/resolvers"
	"github.com/tracegraph/tracegraph/server"
	"github.com/vektah/gqlparser/v2/ast"
)

// fastPair is the served GraphQL handler (with its fast executor) and the
// reference (gqlgen's executor and transport, as before) over one store.
type fastPair struct {
	served, reference http.Handler
	fast              *graph.FastQueries
}

func newFastPair(t testing.TB, st tracegraph.Store) *fastPair {
	t.Helper()
	served, reference, fast, err := server.GraphQLFastHandlers(server.Config{Store: st, Now: clock, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	return &fastPair{served, reference, fast}
}

// newOddFastPair is newFastPair over the scenario with a lot whose text
// json.Marshal rewrites, with a float gqlgen writes with an exponent, and a
// hold placed on held (through the mutation).
func newOddFastPair(t *testing.T, held string) *fastPair {
	t.Helper()
	ts := startScenario(t, nil)
	postOddLot(t, ts, `"quantity": 1.5e-7, "derivedFrom": ["MaterialLot:R-CAP-1"]`)
	p := newFastPair(t, ts.Store)
	body, _ := json.Marshal(map[string]any{"query": `mutation($t: ID!) { placeHold(target: $t, reason: "FCT <fail>", hold: "H-1") { __typename } }`,
		"variables": map[string]any{"t": held}})
	hold := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	hold.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	if p.served.ServeHTTP(w, hold); strings.Contains(w.Body.String(), "errors") {
		t.Fatalf("placing a hold: %s", w.Body)
	}
	return p
}

// compare sends the request to both handlers, fails t unless the status,
// Content-Type and body are the same bytes, and reports whether the fast
// executor answered it.
func (p *fastPair) compare(t testing.TB, query string, vars map[string]any) (fast bool, body string) {
	t.Helper()
	m := map[string]any{"query": query}
	if vars != nil {
		m["variables"] = vars
	}
	b, _ := json.Marshal(m)
	do := func(h http.Handler) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	before, _ := p.fast.Counts()
	got := do(p.served)
	after, _ := p.fast.Counts()
	want := do(p.reference)
	if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
		t.Errorf("status %d %q, want %d %q", got.Code, got.Header().Get("Content-Type"), want.Code, want.Header().Get("Content-Type"))
	}
	if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
		t.Fatalf("answers differ for\n%s\nvariables %v\n got %s\nwant %s", query, vars, got.Body, want.Body)
	}
	return after > before, got.Body.String()
}

// TestFastGraphQLAnswers: the fast executor (graph.FastQueries) answers the
// queries it knows byte for byte as gqlgen does, and leaves the others to
// gqlgen: each request goes to the served handler and to gqlgen's, and the
// test checks both that the answers are the same bytes and which path
// answered (so that a fast path that declines everything fails it).
func TestFastGraphQLAnswers(t *testing.T) {
	p := newOddFastPair(t, "MaterialLot:R-CAP-2")
	const unitFields = `id serial partNumber revision workOrder kind origin status createdAt completedAt shippedAt scrappedAt shipment customer
		identifiers { scheme value } onHold holds { id source node reason placedBy event since }`
	const lotFields = `id lot partNumber mpn manufacturer supplier dateCode quantity countryOfOrigin expiresAt msl floorLifeHours floorSince bakedAt receivedAt onHold holds { id }`
	const edgeFields = `type validFrom validTo precision refDes position quantity station slot derivedBy windowFrom windowTo event closedBy props
		source { __typename id } target { id ... on Unit { serial } }`
	const everyType = `__typename id
		... on Unit { ` + unitFields + ` }
		... on Component { serial partNumber mpn manufacturer supplier dateCode clot: lot receivedAt cstatus: status onHold holds { id } }
		... on MaterialLot { ` + lotFields + ` }
		... on WaferBatch { waferBatch manufacturer fab waferCount registeredAt onHold holds { id } }
		... on Box { sscc createdAt }
		... on Pallet { sscc createdAt }
		... on Shipment { sname: shipment destination shippedAt }
		... on Customer { cname: customer }
		... on TestRun { testType result program fixture station operator at measurements { name value unit low high result } firmware { version checksum } }
		... on ProcessStep { step recipe parameters presult: result station operator at unitCount }`
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		fast  bool
	}{
		{"typename", `{ __typename }`, nil, true},
		{"README genealogy", bench.GenealogyQuery, map[string]any{"id": "Unit:PROD-0001"}, true},
		{"every type and field, both ways", `{ trace(from: ["Unit:PCBA-0002"], direction: BOTH) { truncated
			nodes { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
				edges { cursor depth precision direction node { ` + everyType + ` } } }
			edges { ` + edgeFields + ` } } }`, nil, true},
		{"downstream from a wafer, with history", `{ trace(from: ["WaferBatch:W1"], direction: DOWNSTREAM, history: true) {
			nodes { edges { depth direction node { ` + everyType + ` } } } edges { type source { id } target { id } } } }`, nil, true},
		{"edge types, min precision, a page", `query($after: String) { trace(from: ["Unit:PROD-0002"], direction: UPSTREAM,
			edgeTypes: [CONTAINS, CONSUMED], minPrecision: CANDIDATE, first: 2, after: $after) {
			nodes { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }
			edges { type refDes quantity precision } } }`, map[string]any{"after": nil}, true},
		{"aliases and repeated fields merged", `{ a: trace(from: ["Unit:PROD-0001"], direction: UPSTREAM) { t: truncated n: nodes { c: totalCount e: edges { d: depth } }
			nodes { e: edges { n: node { i: id } } } } b: trace(from: ["Unit:PROD-0001"], direction: UPSTREAM, maxDepth: 1) { nodes { totalCount } } c: __typename }`, nil, true},
		{"one alias on two types", `{ node(id: "Unit:PCBA-0001") { id ... on Unit { id x: serial } ... on Node { id } ... on Component { x: serial } __typename } }`, nil, true},
		{"named fragments, nested and spread twice", `query Q($id: ID!) { node(id: $id) { ...N ...N } trace(from: [$id], direction: UPSTREAM) { nodes { edges { node { ...N ...U } } } } }
			fragment N on Node { __typename id ...U } fragment U on Unit { serial ... on Unit { status ...W } } fragment W on Node { id }`,
			map[string]any{"id": "Unit:PCBA-0001"}, true},
		{"skip and include", `query($yes: Boolean!, $no: Boolean!) { node(id: "Unit:PCBA-0001") { id @skip(if: $yes) ... on Unit @include(if: $yes) { serial @include(if: $no) partNumber }
			...F @skip(if: $no) ...F @include(if: $no) } x: node(id: "Unit:PCBA-0002") @include(if: $no) { id } }
			fragment F on Unit { kind workOrder }`, map[string]any{"yes": true, "no": false}, true},
		{"escaped strings and a large float", `{ node(id: "MaterialLot:ODD-1") { ... on MaterialLot { ` + lotFields + ` } } }`, nil, true},
		{"holds", `{ lot: node(id: "MaterialLot:R-CAP-2") { ... on MaterialLot { ` + lotFields + ` holds { id source node reason placedBy event since } } }
			unit: node(id: "Unit:PCBA-0003") { ... on Unit { ` + unitFields + ` } } }`, nil, true},
		{"JSON parameters", `{ trace(from: ["Unit:PCBA-0001"], direction: UPSTREAM) { nodes { edges { node { ... on ProcessStep { parameters } } } } } }`, nil, true},
		{"not found", `{ node(id: "Unit:NO-SUCH") { id } }`, nil, true},
		{"lookup", `{ a: lookup(code: "PCBA-0001") { __typename id } b: lookup(code: "nothing-like-it") { id } c: lookup(code: "356938035643809") { id } }`, nil, true},
		{"containers and the customer", `{ box: node(id: "Box:BOX-1") { ` + everyType + ` } pallet: node(id: "Pallet:PAL-1") { ` + everyType + ` }
			shipment: node(id: "Shipment:SHP-1") { ` + everyType + ` } customer: node(id: "Customer:ACME") { ` + everyType + ` } }`, nil, true},
		{"malformed id", `{ node(id: "not an id") { id } }`, nil, false},
		{"partial result", `{ ok: node(id: "Unit:PCBA-0001") { id } bad: node(id: "nope") { id } }`, nil, false},
		{"error in a trace", `{ trace(from: ["Unit:PROD-0002", "nonsense"], direction: UPSTREAM) { truncated } }`, nil, false},
		{"bad maxDepth", `{ trace(from: ["Unit:PROD-0002"], direction: UPSTREAM, maxDepth: 0) { truncated } }`, nil, false},
		{"empty lookup", `{ lookup(code: " ") { id } }`, nil, false},
		{"a relation", `{ node(id: "Unit:PCBA-0001") { id ... on Unit { tests { id } } } }`, nil, false},
		{"a container's hold", `{ node(id: "Box:BOX-1") { ... on Box { onHold } } }`, nil, false},
		{"another root field", `{ stats { events } }`, nil, false},
		{"deferred", `{ node(id: "Unit:PCBA-0001") { id ... on Unit @defer { serial } } }`, nil, false},
		{"introspection", `{ __type(name: "Unit") { name } }`, nil, false},
		{"validation error", `{ node(id: "Unit:PCBA-0001") { nosuchfield } }`, nil, false},
		{"mutation", `mutation { releaseHold(target: "Unit:NO-SUCH", reason: "none", all: true) { __typename } }`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fast, body := p.compare(t, tt.query, tt.vars)
			if fast != tt.fast {
				t.Errorf("answered by the fast executor: %v, want %v (%.300s)", fast, tt.fast, body)
			}
			if tt.fast && strings.Contains(body, `"errors"`) {
				t.Errorf("a fast answer that proves little: %s", body)
			}
		})
	}
}

// TestFastGraphQLRandom compares the fast executor with gqlgen on random
// selection sets over the types it answers: random fields of each type
// (now and then one it does not answer), aliases (some colliding, which
// validation refuses), __typename anywhere, inline and named fragments on
// the node types and on Node, fields repeated to be merged, and @skip and
// @include with literals and variables, under trace, node and lookup. On
// the scenario and, but under Neo4j, on a generated factory.
func TestFastGraphQLRandom(t *testing.T) {
	ts := startScenario(t, nil)
	sets := []struct {
		name string
		st   tracegraph.Store
		ids  []string
	}{{"scenario", ts.Store, []string{"Unit:PROD-0001", "Unit:PCBA-0002", "WaferBatch:W1", "MaterialLot:R-CAP-1", "Box:BOX-1", "Shipment:SHP-1", "Customer:ACME"}}}
	if !onNeo4j(t) {
		st, err := embedded.Open(t.TempDir(), embedded.Options{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		var ids []string
		applyFactory(t, st, 60, func(ev *tracegraph.Event) {
			if p, err := ev.Payload(); err == nil && ev.Type == tracegraph.EventUnitCreated && len(ids) < 12 {
				ids = append(ids, "Unit:"+p.(*tracegraph.UnitCreated).Serial)
			}
		})
		sets = append(sets, struct {
			name string
			st   tracegraph.Store
			ids  []string
		}{"factory", st, ids})
	}
	schema := resolvers.NewExecutableSchema(resolvers.Config{Store: ts.Store}).Schema()
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			p := newFastPair(t, set.st)
			g := &selectionGen{r: rand.New(rand.NewPCG(1, uint64(len(set.name)))), schema: schema}
			fast := 0
			const n = 250
			for i := range n {
				query, vars := g.query(set.ids)
				if f, _ := p.compare(t, query, vars); f {
					fast++
				}
				if t.Failed() {
					t.Fatalf("query %d", i)
				}
			}
			records := p.fast.RecordPages()
			t.Logf("%d random queries, %d answered by the fast executor, %d trace pages written by its record path", n, fast, records)
			if fast < n/3 {
				t.Errorf("only %d of %d random queries were answered by the fast executor", fast, n)
			}
			if records == 0 {
				t.Errorf("no trace page written by the record path (on Neo4j: %v)", onNeo4j(t))
			}
		})
	}
}

// selectionGen writes random queries.
type selectionGen struct {
	r      *rand.Rand
	schema *ast.Schema
	frags  []string
	vars   map[string]any
}

// nodeTypes are the types selected through fragments under a Node.
var genNodeTypes = []string{"Unit", "Component", "MaterialLot", "WaferBatch", "Box", "Pallet", "Shipment", "Customer", "TestRun", "ProcessStep", "Node"}

// genRareFields are fields the fast executor does not answer, picked now and
// then: the operation goes to gqlgen.
var genRareFields = map[string]bool{"tests": true, "processSteps": true, "parent": true, "container": true, "events": true,
	"derivedFrom": true, "derivatives": true, "explode": true, "contents": true, "consumed": true, "children": true, "shipments": true,
	"customer": true, "units": true, "unit": true, "product": true, "links": true, "serialScheme": true, "onHold": true, "holds": true}

func (g *selectionGen) query(ids []string) (string, map[string]any) {
	g.frags, g.vars = nil, map[string]any{"t": true, "f": false}
	id := ids[g.r.IntN(len(ids))]
	var root string
	switch g.r.IntN(4) {
	case 0, 1:
		dir := []string{"UPSTREAM", "DOWNSTREAM", "BOTH"}[g.r.IntN(3)]
		args := fmt.Sprintf(`from: [%q], direction: %s`, id, dir)
		if g.r.IntN(3) == 0 {
			args += fmt.Sprintf(", maxDepth: %d, first: %d", 1+g.r.IntN(4), 1+g.r.IntN(20))
		}
		root = g.alias("trace") + "trace(" + args + ") " + g.selection("Trace", 0)
	case 2:
		root = g.alias("node") + fmt.Sprintf("node(id: %q) ", id) + g.selection("Node", 0)
	default:
		root = g.alias("lookup") + fmt.Sprintf("lookup(code: %q) ", strings.SplitN(id, ":", 2)[1]) + g.selection("Node", 0)
	}
	if g.r.IntN(4) == 0 {
		root += " __typename"
	}
	body := "{ " + root + " }\n" + strings.Join(g.frags, "\n")
	var decls []string
	for _, v := range []string{"t", "f"} {
		if strings.Contains(body, "$"+v+")") {
			decls = append(decls, "$"+v+": Boolean!")
		} else {
			delete(g.vars, v)
		}
	}
	if len(decls) == 0 {
		return "query " + body, nil
	}
	return "query(" + strings.Join(decls, ", ") + ") " + body, g.vars
}

// alias returns no alias, mostly; else one made of the field's name or,
// now and then, one that other fields may have too (validation refuses
// the query when they differ).
func (g *selectionGen) alias(name string) string {
	switch g.r.IntN(12) {
	case 0:
		return []string{"a", "b", "x"}[g.r.IntN(3)] + ": "
	case 1, 2, 3:
		return name + "2: "
	}
	return ""
}

func (g *selectionGen) directive() string {
	switch g.r.IntN(10) {
	case 0:
		return " @skip(if: $t)"
	case 1:
		return " @include(if: $t)"
	case 2:
		return " @skip(if: false)"
	case 3:
		return " @include(if: $f)"
	}
	return ""
}

// selection returns a selection set for an object of type typ.
func (g *selectionGen) selection(typ string, depth int) string {
	def := g.schema.Types[typ]
	var parts []string
	n := 1 + g.r.IntN(5)
	for range n {
		switch k := g.r.IntN(10); {
		case k == 0:
			parts = append(parts, "__typename")
		case k == 1 && def.Kind == ast.Interface || k == 2 && typ == "Node":
			on := genNodeTypes[g.r.IntN(len(genNodeTypes))]
			parts = append(parts, "... on "+on+g.directive()+" "+g.selection(on, depth))
		case k == 3 && len(g.frags) < 4:
			name := fmt.Sprintf("F%d", len(g.frags))
			g.frags = append(g.frags, "") // reserve the name
			g.frags[len(g.frags)-1] = "fragment " + name + " on " + typ + " " + g.selection(typ, depth)
			parts = append(parts, "..."+name+g.directive())
		default:
			parts = append(parts, g.field(def, depth))
		}
	}
	return "{ " + strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " ") + " }"
}

// field returns one random field of def, with a selection when it is an
// object.
func (g *selectionGen) field(def *ast.Definition, depth int) string {
	var fields []*ast.FieldDefinition
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") || len(f.Arguments) > 0 && f.Name != "consumed" {
			continue
		}
		if genRareFields[f.Name] && g.r.IntN(12) != 0 {
			continue
		}
		fields = append(fields, f)
	}
	if len(fields) == 0 {
		return "__typename"
	}
	f := fields[g.r.IntN(len(fields))]
	s := g.alias(f.Name) + f.Name + g.directive()
	if t := g.schema.Types[f.Type.Name()]; t.Kind == ast.Object || t.Kind == ast.Interface {
		if depth >= 4 {
			return ""
		}
		s += " " + g.selection(t.Name, depth+1)
	}
	return s
}
