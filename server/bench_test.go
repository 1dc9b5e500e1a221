package server_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/bench"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

var benchUnits = flag.Int("http-bench-units", 10_000, "units of the generated factory BenchmarkHTTPGenealogy queries")

// loadFactory generates a factory of n units into a fresh embedded store in
// dir and returns the store and the serials of its finished products.
func loadFactory(b *testing.B, dir string, n int) (*embedded.Store, []string) {
	b.Helper()
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var products []string
	began := time.Now()
	sum := applyFactory(b, st, n, func(ev *tracegraph.Event) {
		if ev.Type != tracegraph.EventUnitCreated {
			return
		}
		if p, err := ev.Payload(); err == nil && p.(*tracegraph.UnitCreated).Kind == "product" {
			products = append(products, p.(*tracegraph.UnitCreated).Serial)
		}
	})
	b.Logf("loaded %d units, %d events, %d products in %s", sum.Units, sum.Events, len(products), time.Since(began).Round(time.Millisecond))
	return st, products
}

// BenchmarkHTTPGenealogy measures the upstream genealogy of one finished
// product with properties over HTTP GraphQL, with 16 concurrent clients (and
// with one, for the latency floor), on a generated factory of
// -http-bench-units units. Client and server share the machine. The store's
// own trace of the same units is measured in the same run as the reference.
//
//	go test ./server/ -run '^$' -bench HTTPGenealogy -benchtime 20000x -http-bench-units 10000
func BenchmarkHTTPGenealogy(b *testing.B) {
	st, products := loadFactory(b, b.TempDir(), *benchUnits)
	defer st.Close()
	srv, err := bench.Serve(server.Config{Store: st, Logger: discard()})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			b.Error(err)
		}
	}()
	bodies := make([][]byte, len(products))
	for i, p := range products {
		bodies[i], _ = json.Marshal(map[string]any{"query": bench.GenealogyQuery, "variables": map[string]any{"id": "Unit:" + p}})
	}

	// One answer, checked, so the benchmark measures real work.
	status, body, err := srv.Post("/graphql", "application/json", bodies[0])
	var check struct {
		Data struct {
			Trace struct{ Nodes struct{ TotalCount int } }
		}
		Errors []any
	}
	if err != nil || json.Unmarshal(body, &check) != nil || status != 200 || len(check.Errors) > 0 || check.Data.Trace.Nodes.TotalCount < 20 {
		b.Fatalf("genealogy of %s: %d %v %.500s", products[0], status, err, body)
	}
	b.Logf("genealogy of a product: %d nodes, %d bytes", check.Data.Trace.Nodes.TotalCount, len(body))

	// The floor of GraphQL over HTTP on this machine: the same clients and
	// server, a query that does no work.
	typename, _ := json.Marshal(map[string]any{"query": "{ __typename }"})
	typenames := [][]byte{typename}
	for _, run := range []struct {
		name    string
		clients int
		bodies  [][]byte
	}{{"clients=1", 1, bodies}, {"clients=16", 16, bodies}, {"typename/clients=16", 16, typenames}} {
		bodies := run.bodies
		b.Run(run.name, func(b *testing.B) {
			b.ResetTimer()
			l, err := bench.RunClients(run.clients, b.N, func(i int) error {
				status, _, err := srv.Post("/graphql", "application/json", bodies[i%len(bodies)])
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("status %d", status)
				}
				return err
			})
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			reportLatency(b, l)
		})
	}

	b.Run("store-trace-reference", func(b *testing.B) {
		ctx := context.Background()
		l, err := bench.RunClients(1, b.N, func(i int) error {
			return bench.StoreGenealogy(ctx, st, tracegraph.NewID(tracegraph.LabelUnit, products[i%len(products)]))
		})
		if err != nil {
			b.Fatal(err)
		}
		reportLatency(b, l)
	})
}

// reportLatency reports the p50 and p99 latency, the throughput and the CPU
// time per query (client and server together: they share the process).
func reportLatency(b *testing.B, l *bench.Load) {
	if len(l.Lat) == 0 {
		return
	}
	b.ReportMetric(float64(l.Quantile(0.5).Microseconds()), "p50-µs")
	b.ReportMetric(float64(l.Quantile(0.99).Microseconds()), "p99-µs")
	b.ReportMetric(l.PerSecond(), "queries/s")
	b.ReportMetric(float64(l.CPUPer().Microseconds()), "cpu-µs/query")
}
