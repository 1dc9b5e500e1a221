package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

func TestOps(t *testing.T) {
	ts := start(t, nil)
	if status, resp := ts.postEvents(t, scenario(t), "application/x-ndjson", "", ""); status != http.StatusOK {
		t.Fatalf("scenario: %d %+v", status, resp)
	}
	_ = ts.gql(t, `{ units { totalCount } }`, nil, "")

	tests := []struct {
		name, method, path string
		wantStatus         int
		wantBody           []string // substrings
		notBody            []string
	}{
		{"liveness", "GET", "/healthz", 200, []string{`"status":"ok"`}, nil},
		{"readiness", "GET", "/readyz", 200, []string{`"status":"ready"`}, nil},
		{"metrics", "GET", "/metrics", 200, []string{
			`tracegraph_http_requests_total{method="POST",route="/api/v1/events",status="200"} 1`,
			`tracegraph_http_requests_total{method="POST",route="/graphql",status="200"} 1`,
			`tracegraph_http_request_duration_seconds_bucket{method="POST",route="/graphql",status="200"`,
			`tracegraph_events_total{outcome="accepted"} 34`,
			`tracegraph_events_total{outcome="rejected"} 0`,
			`tracegraph_store_events 34`,
			`tracegraph_store_nodes{label="Unit"} 6`,
			`tracegraph_store_edges{type="CONSUMED"} 9`,
			`go_goroutines`,
		}, nil},
		{"the IDE works offline", "GET", "/graphiql", 200, []string{`<script id="tracegraph-examples" type="application/json">[{"name":"Units: the first page"`, `<script type="module" crossorigin src="/assets/`}, []string{`src="http`, `href="http`, "cdn"}},
		{"GET /graphql", "GET", "/graphql?query=" + "%7B%20units%20%7B%20totalCount%20%7D%20%7D", 200, []string{`{"data":{"units":{"totalCount":6}}}`}, nil},
		{"an unknown path", "GET", "/nope", 404, []string{`"code":"NOT_FOUND"`}, nil},
		{"a wrong method", "DELETE", "/api/v1/events", 405, []string{`"code":"INVALID"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := ts.do(t, tt.method, tt.path, "", "", nil)
			if status != tt.wantStatus {
				t.Errorf("%s %s: status %d, want %d: %.300s", tt.method, tt.path, status, tt.wantStatus, body)
			}
			for _, w := range tt.wantBody {
				if !strings.Contains(string(body), w) {
					t.Errorf("%s %s: body lacks %q", tt.method, tt.path, w)
				}
			}
			for _, w := range tt.notBody {
				if strings.Contains(strings.ToLower(string(body)), strings.ToLower(w)) {
					t.Errorf("%s %s: body has %q", tt.method, tt.path, w)
				}
			}
			if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(hdr.Get(server.HeaderRequestID)) {
				t.Errorf("%s %s: request id %q", tt.method, tt.path, hdr.Get(server.HeaderRequestID))
			}
		})
	}

	// A client's request id is kept.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/healthz", nil)
	req.Header.Set(server.HeaderRequestID, "scanner-7/42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get(server.HeaderRequestID); got != "scanner-7/42" {
		t.Errorf("request id = %q, want the client's", got)
	}
}

// blockingStore holds Apply until released, to catch a write in flight.
type blockingStore struct {
	tracegraph.Store
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *blockingStore) Apply(ctx context.Context, evs []*tracegraph.Event, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	s.once.Do(func() {
		close(s.entered)
		<-s.release
	})
	return s.Store.Apply(ctx, evs, opts)
}

// TestGracefulShutdown stops the server while a write is in flight: the
// write finishes and is answered, then Serve returns.
func TestGracefulShutdown(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bs := &blockingStore{Store: st, entered: make(chan struct{}), release: make(chan struct{})}
	srv, err := server.New(server.Config{Store: bs, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	type answer struct {
		status int
		resp   server.EventsResponse
		err    error
	}
	answered := make(chan answer, 1)
	body := string(scenario(t))
	go func() {
		r, err := http.Post("http://"+ln.Addr().String()+"/api/v1/events", "application/x-ndjson", strings.NewReader(body))
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer r.Body.Close()
		var a answer
		a.status = r.StatusCode
		a.err = json.NewDecoder(r.Body).Decode(&a.resp)
		answered <- a
	}()

	<-bs.entered // the write is in the store
	cancel()     // shut down
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) with a write in flight", err)
	case a := <-answered:
		t.Fatalf("answered (%+v) before the write finished", a)
	default:
	}
	close(bs.release)
	a := <-answered
	if a.err != nil || a.status != http.StatusOK || a.resp.Accepted != 34 {
		t.Fatalf("in-flight write: %+v, want 200 with 34 accepted", a)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if seq, _, err := st.Head(context.Background()); err != nil || seq != 34 {
		t.Fatalf("head after shutdown = %d, %v; want 34", seq, err)
	}
}

// failingStore fails the way a broken disk does, with internals in the text.
type failingStore struct{ tracegraph.Store }

func (failingStore) Trace(context.Context, tracegraph.TraceRequest) (*tracegraph.TraceResult, error) {
	return nil, errors.New("open /var/lib/tracegraph/000123.sst: input/output error")
}

func (failingStore) Apply(context.Context, []*tracegraph.Event, tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	return nil, errors.New("write /var/lib/tracegraph/wal: no space left on device")
}

// TestInternalErrors checks that a store failure is answered as INTERNAL,
// without its text.
func TestInternalErrors(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ts := startWith(t, failingStore{st}, nil)
	r := ts.gql(t, `{ trace(from: ["Unit:X"], direction: UPSTREAM) { truncated } }`, nil, "")
	if r.code() != "INTERNAL" || r.Errors[0].Message != "internal error" {
		t.Errorf("trace on a failing store: %s, want INTERNAL \"internal error\"", r.raw)
	}
	status, _, body := ts.do(t, http.MethodPost, "/api/v1/events", "application/x-ndjson", "", scenario(t))
	if status != http.StatusInternalServerError || !strings.Contains(string(body), `"code":"INTERNAL"`) {
		t.Errorf("POST /api/v1/events on a failing store: %d %s, want 500 INTERNAL", status, body)
	}
	for _, b := range [][]byte{r.raw, body} {
		if strings.Contains(string(b), "/var/lib") {
			t.Errorf("the answer leaks internals: %s", b)
		}
	}
}
