package resolvers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/resolvers"
)

// countingStore counts the calls of the store methods the resolvers batch.
type countingStore struct {
	tracegraph.Store
	mu    sync.Mutex
	calls map[string]int
}

func (s *countingStore) count(m string) {
	s.mu.Lock()
	s.calls[m]++
	s.mu.Unlock()
}

func (s *countingStore) reset() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls
	s.calls = map[string]int{}
	return c
}

func (s *countingStore) Node(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	s.count("Node")
	return s.Store.Node(ctx, id)
}

func (s *countingStore) Nodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	s.count("Nodes")
	if testing.Verbose() {
		fmt.Println("Nodes", len(ids), ids[0])
	}
	return s.Store.Nodes(ctx, ids)
}

func (s *countingStore) Edges(ctx context.Context, ids []tracegraph.ID, q tracegraph.EdgeQuery) ([][]tracegraph.Edge, error) {
	s.count("Edges")
	if testing.Verbose() {
		fmt.Println("Edges", len(ids), q.Direction, q.Types, ids[0])
	}
	return s.Store.Edges(ctx, ids, q)
}

func (s *countingStore) Units(ctx context.Context, f tracegraph.UnitFilter, p tracegraph.Page) (*tracegraph.UnitPage, error) {
	s.count("Units")
	return s.Store.Units(ctx, f, p)
}

func (s *countingStore) Trace(ctx context.Context, req tracegraph.TraceRequest) (*tracegraph.TraceResult, error) {
	s.count("Trace")
	return s.Store.Trace(ctx, req)
}

func (s *countingStore) NodeEvents(ctx context.Context, id tracegraph.ID) ([]*tracegraph.Event, error) {
	s.count("NodeEvents")
	return s.Store.NodeEvents(ctx, id)
}

func (s *countingStore) Lookup(ctx context.Context, code string) ([]*tracegraph.Node, error) {
	s.count("Lookup")
	return s.Store.Lookup(ctx, code)
}

// event builds a normalized event.
func event(t *testing.T, id string, typ tracegraph.EventType, at time.Time, data any) *tracegraph.Event {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	ev := &tracegraph.Event{ID: id, Type: typ, Time: at, Data: b}
	if err := ev.Normalize(); err != nil {
		t.Fatalf("event %s: %v", id, err)
	}
	return ev
}

// factory applies n units, each built from three lots (one of them with
// precision CANDIDATE) and tested twice, and n/10 products each holding ten
// of them.
func factory(t *testing.T, s tracegraph.Store, n int) {
	t.Helper()
	t0 := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	var evs []*tracegraph.Event
	evs = append(evs, event(t, "w1", tracegraph.EventWaferRegistered, at(0), map[string]any{"waferBatch": "W1"}))
	for i, lot := range []string{"L1", "L2", "L3"} {
		d := map[string]any{"lot": lot, "partNumber": "P-" + lot, "quantity": 10000}
		if lot == "L1" {
			d["derivedFrom"] = []string{"WaferBatch:W1"}
		}
		evs = append(evs, event(t, "lot-"+lot, tracegraph.EventLotReceived, at(1+i), d))
	}
	for u := 0; u < n; u++ {
		serial := fmt.Sprintf("SN%04d", u)
		evs = append(evs, event(t, "c-"+serial, tracegraph.EventUnitCreated, at(10+u), map[string]any{"serial": serial, "partNumber": "700-A", "workOrder": "WO-1"}))
		for _, lot := range []string{"L1", "L2", "L3"} {
			d := map[string]any{"unit": serial, "lot": lot, "refDes": []string{"U1"}}
			if lot == "L3" {
				d["precision"] = "CANDIDATE"
			}
			evs = append(evs, event(t, "m-"+serial+lot, tracegraph.EventMaterialConsumed, at(10+u), d))
		}
		for _, tt := range []string{"ICT", "FCT"} {
			evs = append(evs, event(t, "t-"+serial+tt, tracegraph.EventTestRecorded, at(10+u), map[string]any{"unit": serial, "testType": tt, "result": "pass",
				"measurements": []map[string]any{{"name": "VCC", "value": 3.3, "unit": "V"}}}))
		}
	}
	for p := 0; p < n/10; p++ {
		prod := fmt.Sprintf("PR%03d", p)
		evs = append(evs, event(t, "c-"+prod, tracegraph.EventUnitCreated, at(5000+p), map[string]any{"serial": prod, "partNumber": "900-A"}))
		for c := 0; c < 10; c++ {
			child := fmt.Sprintf("SN%04d", p*10+c)
			evs = append(evs, event(t, "a-"+child, tracegraph.EventUnitAssembled, at(5000+p), map[string]any{"parent": prod, "child": child}))
		}
	}
	outs, err := s.Apply(context.Background(), evs, tracegraph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != tracegraph.OutcomeAccepted {
			t.Fatalf("event %s: %s %v", o.ID, o.Status, o.Error)
		}
	}
}

func newSchemaServer(t *testing.T, s tracegraph.Store) *httptest.Server {
	t.Helper()
	// A long batch wait: a batch is fetched when it is full, never because
	// a timer fired first on a busy machine.
	h := handler.New(resolvers.NewExecutableSchema(resolvers.Config{Store: s, BatchWait: time.Minute}))
	h.AddTransport(transport.POST{})
	h.Use(&resolvers.Limits{})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, query string, vars map[string]any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if errs, ok := out["errors"]; ok {
		t.Fatalf("query errors: %v", errs)
	}
	return out["data"].(map[string]any)
}

// TestBatchedStoreCalls checks that the number of store calls of a query is
// bounded by its shape, not by the number of nodes it returns.
func TestBatchedStoreCalls(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	factory(t, st, 100)
	cs := &countingStore{Store: st, calls: map[string]int{}}
	srv := newSchemaServer(t, cs)

	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  map[string]int
		check func(t *testing.T, data map[string]any)
	}{
		{
			name: "a page of 100 units with their tests and lots",
			query: `{ units(first: 100, filter: {partNumber: "700-A"}) { totalCount edges { node {
				serial tests { testType result measurements { name value } }
				consumed { precision refDes lot { lot partNumber } } } } } }`,
			// Units; the test edges and the test runs; the lot edges and the lots.
			want: map[string]int{"Units": 1, "Edges": 2, "Nodes": 2},
			check: func(t *testing.T, data map[string]any) {
				edges := data["units"].(map[string]any)["edges"].([]any)
				if len(edges) != 100 {
					t.Fatalf("units returned %d units, want 100", len(edges))
				}
				for _, e := range edges {
					n := e.(map[string]any)["node"].(map[string]any)
					if got := len(n["tests"].([]any)); got != 2 {
						t.Fatalf("%s has %d tests, want 2", n["serial"], got)
					}
					if got := len(n["consumed"].([]any)); got != 3 {
						t.Fatalf("%s consumed %d lots, want 3", n["serial"], got)
					}
				}
			},
		},
		{
			name: "a trace page with properties of every label and its edges",
			query: `{ trace(from: ["Unit:PR000", "Unit:PR001"], direction: UPSTREAM) {
				nodes { totalCount edges { depth precision node { id
					... on Unit { partNumber tests { testType } }
					... on MaterialLot { partNumber derivedFrom { id ... on WaferBatch { registeredAt } } }
					... on TestRun { result } } } }
				edges { type source { id ... on Unit { serial } } target { id } } } }`,
			// The trace; the page's nodes; the units' test edges and test
			// runs; the lots' derivation edges and their wafer batches; the
			// edges' sources.
			want: map[string]int{"Trace": 1, "Nodes": 4, "Edges": 2},
		},
		{
			name:  "children and their parents, two levels",
			query: `{ units(first: 10, filter: {partNumber: "900-A"}) { edges { node { serial children { position node { id ... on Unit { partNumber parent { node { id } } } } } } } } }`,
			// Units; the CONTAINS edges and the children; the children's holders.
			want: map[string]int{"Units": 1, "Edges": 2, "Nodes": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs.reset()
			data := post(t, srv.URL, tt.query, tt.vars)
			got := cs.reset()
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("store calls = %v, want %v", got, tt.want)
			}
			if tt.check != nil {
				tt.check(t, data)
			}
		})
	}
}
