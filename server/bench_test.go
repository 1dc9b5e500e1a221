package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

var benchUnits = flag.Int("http-bench-units", 10_000, "units of the generated factory BenchmarkHTTPGenealogy queries")

// benchGenealogy is the upstream genealogy of one unit with properties:
// PERFORMANCE.md's HTTP target.
const benchGenealogy = `query Genealogy($id: ID!) {
  trace(from: [$id], direction: UPSTREAM, maxDepth: 8) {
    truncated
    nodes {
      totalCount
      edges {
        depth
        precision
        node {
          __typename
          id
          ... on Unit { partNumber revision status }
          ... on Component { partNumber manufacturer dateCode }
          ... on MaterialLot { partNumber manufacturer supplier dateCode }
          ... on WaferBatch { manufacturer fab }
          ... on TestRun { testType result }
          ... on ProcessStep { step }
        }
      }
    }
  }
}`

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
	srv, err := server.New(server.Config{Store: st, Logger: discard()})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			b.Error(err)
		}
	}()
	url := "http://" + ln.Addr().String() + "/graphql"
	bodies := make([][]byte, len(products))
	for i, p := range products {
		bodies[i], _ = json.Marshal(map[string]any{"query": benchGenealogy, "variables": map[string]any{"id": "Unit:" + p}})
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}

	// One answer, checked, so the benchmark measures real work.
	status, body := postBody(client, url, bodies[0])
	var check struct {
		Data struct {
			Trace struct{ Nodes struct{ TotalCount int } }
		}
		Errors []any
	}
	if err := json.Unmarshal(body, &check); err != nil || status != 200 || len(check.Errors) > 0 || check.Data.Trace.Nodes.TotalCount < 20 {
		b.Fatalf("genealogy of %s: %d %.500s", products[0], status, body)
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
		clients, bodies := run.clients, run.bodies
		b.Run(run.name, func(b *testing.B) {
			var next atomic.Int64
			lat := make([][]time.Duration, clients)
			var wg sync.WaitGroup
			b.ResetTimer()
			cpu0 := cpuTime()
			start := time.Now()
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func(c int) {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						t0 := time.Now()
						status, _ := postBody(client, url, bodies[int(i)%len(bodies)])
						lat[c] = append(lat[c], time.Since(t0))
						if status != http.StatusOK {
							b.Errorf("status %d", status)
							return
						}
					}
				}(c)
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			reportLatency(b, slices.Concat(lat...), elapsed, cpuTime()-cpu0)
		})
	}

	b.Run("store-trace-reference", func(b *testing.B) {
		var lat []time.Duration
		cpu0 := cpuTime()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			res, err := st.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{tracegraph.NewID(tracegraph.LabelUnit, products[i%len(products)])},
				Direction: tracegraph.Upstream, MaxDepth: 8, SkipEdges: true})
			if err != nil {
				b.Fatal(err)
			}
			ids := make([]tracegraph.ID, len(res.Nodes))
			for j, n := range res.Nodes {
				ids[j] = n.ID
			}
			if _, err := st.Nodes(ctx, ids); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		reportLatency(b, lat, time.Since(start), cpuTime()-cpu0)
	})
}

func postBody(c *http.Client, url string, body []byte) (int, []byte) {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// cpuTime is the CPU time the process has used (user and system), which the
// machine's other load does not inflate the way it inflates latencies.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportLatency reports the p50 and p99 latency, the throughput and the CPU
// time per query (client and server together: they share the process).
func reportLatency(b *testing.B, lat []time.Duration, elapsed, cpu time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "queries/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(lat)), "cpu-µs/query")
}
