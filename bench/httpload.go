package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tracegraph/tracegraph/server"
)

// GenealogyQuery is the upstream genealogy of one unit with properties, the
// README's query and PERFORMANCE.md's HTTP target: $id is the unit's id.
const GenealogyQuery = `query Genealogy($id: ID!) {
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

// Served is the real server (server.New) listening on a free loopback
// port, for clients of the same process.
type Served struct {
	// URL is the server's base, http://127.0.0.1:PORT.
	URL    string
	Client *http.Client
	cancel context.CancelFunc
	served chan error
}

// Serve runs server.New(cfg) on a free loopback port until Stop. A nil
// cfg.Logger discards the server's logs.
func Serve(cfg server.Config) (*Served, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := server.New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Served{URL: "http://" + ln.Addr().String(), cancel: cancel, served: make(chan error, 1),
		Client: &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}}
	go func() { s.served <- srv.Serve(ctx, ln) }()
	return s, nil
}

// Stop shuts the server down, finishing requests in flight.
func (s *Served) Stop() error {
	s.cancel()
	s.Client.CloseIdleConnections()
	return <-s.served
}

// Post sends body to the server's path with contentType and returns the
// status and the answer.
func (s *Served) Post(path, contentType string, body []byte) (int, []byte, error) {
	resp, err := s.Client.Post(s.URL+path, contentType, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// bodyBuffers are the buffers the load's clients read answers into: a
// client that reads every answer into a fresh, growing slice (io.ReadAll)
// costs the process's CPU (which the figures count) for nothing.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// PostRead is Post reading the answer into a pooled buffer, for the load
// loops: check sees the status and the answer, which it must not keep.
func (s *Served) PostRead(path, contentType string, body []byte, check func(status int, answer []byte) error) error {
	resp, err := s.Client.Post(s.URL+path, contentType, bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer bodyBuffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	return check(resp.StatusCode, buf.Bytes())
}

// Load is what a closed loop of clients measured: the latency of every
// request, the wall time and the process's CPU time (clients and server
// together when they share the process).
type Load struct {
	Lat          []time.Duration // sorted
	Elapsed, CPU time.Duration
}

// RunClients runs n requests with clients concurrent clients, each taking
// the next request number i and calling do(i) until n are done or one
// fails, and measures them.
func RunClients(clients, n int, do func(i int) error) (*Load, error) {
	var next atomic.Int64
	return run(clients, func(int) func() error {
		i := next.Add(1) - 1
		if i >= int64(n) {
			return nil
		}
		return func() error { return do(int(i)) }
	})
}

// runStreams runs one client per stream, each calling do with the items of
// its stream in order, and measures them.
func runStreams[T any](streams [][]T, do func(T) error) (*Load, error) {
	pos := make([]int, len(streams))
	return run(len(streams), func(c int) func() error {
		if pos[c] == len(streams[c]) {
			return nil
		}
		x := streams[c][pos[c]]
		pos[c]++
		return func() error { return do(x) }
	})
}

// run runs clients concurrent clients; client c times each call of what
// job(c) returns until it returns nil, or some call fails.
func run(clients int, job func(c int) func() error) (*Load, error) {
	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var failed atomic.Bool
	var wg sync.WaitGroup
	cpu0 := CPUTime()
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				f := job(c)
				if f == nil {
					return
				}
				t0 := time.Now()
				err := f()
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil {
					errs[c] = err
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	l := &Load{Elapsed: time.Since(start), CPU: CPUTime() - cpu0, Lat: slices.Concat(lat...)}
	slices.Sort(l.Lat)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return l, nil
}

// Quantile is the p-th quantile of the latencies (0 ≤ p ≤ 1).
func (l *Load) Quantile(p float64) time.Duration { return percentile(l.Lat, p) }

// PerSecond is the requests completed per second of wall time.
func (l *Load) PerSecond() float64 { return float64(len(l.Lat)) / l.Elapsed.Seconds() }

// CPUPer is the CPU time per request.
func (l *Load) CPUPer() time.Duration { return l.CPU / time.Duration(max(len(l.Lat), 1)) }

// String is "q/s, p50, p99, CPU/request".
func (l *Load) String() string {
	return fmt.Sprintf("%.0f/s, p50 %s, p99 %s, %s CPU each", l.PerSecond(),
		roundDur(l.Quantile(0.5)), roundDur(l.Quantile(0.99)), roundDur(l.CPUPer()))
}

// CPUTime is the CPU time the process has used (user and system), which the
// machine's other load does not inflate the way it inflates latencies.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// roundDur rounds d to three significant digits (at least 1 ns), for
// reading.
func roundDur(d time.Duration) time.Duration {
	unit := time.Duration(1)
	for lim := 1000 * time.Nanosecond; d >= lim && lim < time.Hour; lim *= 10 {
		unit *= 10
	}
	return d.Round(unit)
}
