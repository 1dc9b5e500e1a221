package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/server"
)

// httpClients is the concurrent clients of the GraphQL figures.
const httpClients = 16

// httpQueries measures the README genealogy over HTTP GraphQL (the real
// server on a loopback port over the loaded store), with httpClients
// clients, beside its peers in the same run: `{ __typename }` over the same
// server and clients (GraphQL over HTTP doing no work), and the store's own
// Trace+Nodes of the same products (the work the answer needs), after a
// round that warms the store's caches.
func httpQueries(ctx context.Context, s tracegraph.Store, facts *Facts, cfg *Config) (*Figure, error) {
	products := facts.Products
	if len(products) == 0 { // facts of an earlier version
		products = facts.SampleUnits
	}
	if len(products) == 0 {
		return nil, fmt.Errorf("http: no sample products")
	}
	n := cfg.HTTPQueries
	if n <= 0 {
		n = 3000
	}
	// The server runs with the collector setting of `tracegraph serve`.
	gc, restoreGC := servedGC()
	defer restoreGC()
	srv, err := Serve(server.Config{Store: s})
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	bodies := make([][]byte, len(products))
	for i, p := range products {
		bodies[i], _ = json.Marshal(map[string]any{"query": GenealogyQuery, "variables": map[string]any{"id": p}})
	}
	// One answer, checked, so that the figure measures real work.
	status, body, err := srv.Post("/graphql", "application/json", bodies[0])
	var check struct {
		Data struct {
			Trace struct{ Nodes struct{ TotalCount int } }
		}
		Errors []any
	}
	if err != nil || json.Unmarshal(body, &check) != nil || status != http.StatusOK || len(check.Errors) > 0 || check.Data.Trace.Nodes.TotalCount < 2 {
		return nil, fmt.Errorf("http: genealogy of %s: %d %v %.300s", products[0], status, err, body)
	}
	// Every answer of the load is checked too, without decoding it: 200 and
	// data without errors (a GraphQL answer with errors starts with them).
	answered := func(status int, ans []byte) error {
		if status != http.StatusOK || !bytes.HasPrefix(ans, []byte(`{"data":{`)) {
			return fmt.Errorf("POST /graphql: %d %.300s", status, ans)
		}
		return nil
	}
	post := func(body []byte) error { return srv.PostRead("/graphql", "application/json", body, answered) }
	cfg.logf("README genealogy over HTTP, %d clients, %d queries…", httpClients, n)
	gen, err := RunClients(httpClients, n, func(i int) error { return post(bodies[i%len(bodies)]) })
	if err != nil {
		return nil, err
	}
	typename, _ := json.Marshal(map[string]any{"query": "{ __typename }"})
	tn, err := RunClients(httpClients, 3*n, func(int) error { return post(typename) })
	if err != nil {
		return nil, err
	}
	// The store's share, from warm caches as a server's would be: the HTTP
	// answers no longer read nodes through the decoded-node cache (the
	// GraphQL record path reads the records), so one round first.
	if _, err := RunClients(1, len(products), func(i int) error { return StoreGenealogy(ctx, s, products[i]) }); err != nil {
		return nil, err
	}
	st, err := RunClients(1, n, func(i int) error { return StoreGenealogy(ctx, s, products[i%len(products)]) })
	if err != nil {
		return nil, err
	}
	return &Figure{Name: fmt.Sprintf("README genealogy over HTTP GraphQL, %d clients (%d nodes, %d bytes for the first product)", httpClients, check.Data.Trace.Nodes.TotalCount, len(body)),
		Value: fmt.Sprintf("%.0f q/s, p50 %s, p99 %s, %s CPU per query (%d queries)",
			gen.PerSecond(), roundDur(gen.Quantile(0.5)), roundDur(gen.Quantile(0.99)), roundDur(gen.CPUPer()), len(gen.Lat)),
		Floor: fmt.Sprintf("`{ __typename }`, same server and clients: %.0f q/s, %s CPU per query; the store's own Trace+Nodes: %s CPU per query",
			tn.PerSecond(), roundDur(tn.CPUPer()), roundDur(st.CPUPer())),
		Ratio: fmt.Sprintf("CPU per query %.0f× the store's, %.0f× `{ __typename }`'s; q/s %.3f× `{ __typename }`'s",
			ratio(gen.CPUPer(), st.CPUPer()), ratio(gen.CPUPer(), tn.CPUPer()), gen.PerSecond()/tn.PerSecond()),
		Note:   gc,
		Target: "≥ 5,000 q/s with p99 ≤ 5 ms",
		Met:    gen.PerSecond() >= 5000 && gen.Quantile(0.99) <= 5*time.Millisecond}, nil
}

// StoreGenealogy is the store's own work for GenealogyQuery: the upstream
// trace of id (depth ≤ 8) and its nodes with their properties.
func StoreGenealogy(ctx context.Context, s tracegraph.Store, id tracegraph.ID) error {
	res, err := s.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{id},
		Direction: tracegraph.Upstream, MaxDepth: 8, SkipEdges: true})
	if err != nil {
		return err
	}
	ids := make([]tracegraph.ID, len(res.Nodes))
	for j, n := range res.Nodes {
		ids[j] = n.ID
	}
	_, err = s.Nodes(ctx, ids)
	return err
}

// ratio is a ÷ b (0 when b is).
func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
