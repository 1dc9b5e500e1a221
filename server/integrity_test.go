package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

// TestHeadAndVerify: the head is served over REST and GraphQL alike, and the
// service verifies itself against it: intact with its own head, NOT INTACT
// with another hash or a seq past the end, 400 for a malformed one.
func TestHeadAndVerify(t *testing.T) {
	ts := startScenario(t, nil)
	seq, hash, err := ts.Store.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	status, _, b := ts.do(t, http.MethodGet, "/api/v1/head", "", "", nil)
	var head tracegraph.Anchor
	if status != http.StatusOK || json.Unmarshal(b, &head) != nil || head.Seq != seq || head.Hash != hash {
		t.Fatalf("GET /api/v1/head = %d %s, want 200 with %d:%s", status, b, seq, hash)
	}
	var q struct {
		Head struct {
			Seq  uint64 `json:"seq"`
			Hash string `json:"hash"`
		} `json:"head"`
	}
	ts.data(t, `{ head { seq hash } }`, nil, &q)
	if q.Head.Seq != seq || q.Head.Hash != hash {
		t.Fatalf("{ head } = %+v, want %d:%s", q.Head, seq, hash)
	}

	tests := []struct {
		name   string
		query  string
		status int
		intact bool
	}{
		{"no anchor", "", http.StatusOK, true},
		{"its own head", "?expectHead=" + head.String(), http.StatusOK, true},
		{"another hash", "?expectHead=" + tracegraph.Anchor{Seq: seq, Hash: strings.Repeat("ab", 32)}.String(), http.StatusOK, false},
		{"past the end", "?expectHead=" + tracegraph.Anchor{Seq: seq + 1, Hash: hash}.String(), http.StatusOK, false},
		{"malformed", "?expectHead=12", http.StatusBadRequest, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, b := ts.do(t, http.MethodGet, "/api/v1/verify"+tt.query, "", "", nil)
			if status != tt.status {
				t.Fatalf("GET /api/v1/verify%s = %d %s, want %d", tt.query, status, b, tt.status)
			}
			if status != http.StatusOK {
				if !strings.Contains(string(b), `"field":"expectHead"`) {
					t.Errorf("GET /api/v1/verify%s = %s, want an error naming expectHead", tt.query, b)
				}
				return
			}
			var rep server.VerifyResponse
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Intact != tt.intact || rep.Intact != (len(rep.Problems) == 0) || rep.HeadSeq != seq || rep.Events != seq {
				t.Fatalf("GET /api/v1/verify%s = %s, want intact %v over %d events", tt.query, b, tt.intact, seq)
			}
		})
	}
}

// slowVerifier is an embedded store whose Verify takes a while longer, as
// on a large store.
type slowVerifier struct {
	*embedded.Store
	delay time.Duration
}

func (s slowVerifier) Verify(ctx context.Context, opts tracegraph.VerifyOptions) (*tracegraph.VerifyReport, error) {
	time.Sleep(s.delay)
	return s.Store.Verify(ctx, opts)
}

// TestVerifyLongerThanWriteTimeout: a verification that takes longer than
// the write timeout still gets its answer: the timeout bounds writing the
// answer, not computing it.
func TestVerifyLongerThanWriteTimeout(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ts := startWith(t, slowVerifier{st, 600 * time.Millisecond}, func(c *server.Config) { c.WriteTimeout = 200 * time.Millisecond })
	resp, err := http.Get(ts.URL + "/api/v1/verify")
	if err != nil {
		t.Fatalf("GET /api/v1/verify taking 600 ms with a 200 ms write timeout: %v", err)
	}
	defer resp.Body.Close()
	var rep server.VerifyResponse
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil || resp.StatusCode != http.StatusOK || !rep.Intact {
		t.Fatalf("GET /api/v1/verify = %d, %+v, %v; want 200 intact", resp.StatusCode, rep, err)
	}
}
