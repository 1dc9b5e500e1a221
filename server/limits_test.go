package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/server"
)

// repeatReader reads line again and again, n bytes in all, without holding
// more than one line: a large hostile body that costs the client nothing.
type repeatReader struct {
	line []byte
	left int64
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:min(len(p), n+int(min(r.left, int64(len(r.line)-r.off))))], r.line[r.off:])
		n += c
		r.left -= int64(c)
		r.off = (r.off + c) % len(r.line)
	}
	return n, nil
}

// heapGrowth samples the heap in use (HeapInuse) until stop is called and
// returns how far its peak rose above the heap in use after a GC at the start.
func heapGrowth() (stop func() uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	h := sampleHeap(2 * time.Millisecond)
	return func() uint64 {
		h.Stop()
		return max(h.peakInuse, base) - base
	}
}

// postReader posts body to path and returns the status and the answer.
func postReader(t *testing.T, url, contentType string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	return resp.StatusCode, b
}

// TestPostEventsMemoryBounded posts large hostile bodies and measures how
// much the heap grows while the server answers: never more than the bound
// docs/reliability.md states (server.EventsMemoryBound).
func TestPostEventsMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("posts 50 MB")
	}
	var serials []string
	for i := range 1000 {
		serials = append(serials, fmt.Sprintf(`"S%07d"`, i))
	}
	received := `{"id":"r","type":"component.received","time":"2026-03-01T06:20:00Z","data":{"partNumber":"P","serials":[` + strings.Join(serials, ",") + "]}}\n"
	rejected := `{"id":"` + strings.Repeat("x", 300) + `","type":"unit.created","time":"` + strings.Repeat("y", 3000) + `","data":{}}` + "\n"
	small := func(c *server.Config) { c.MaxEventsBody = 8 << 20; c.MaxEventsPerRequest = 2500 }
	tests := []struct {
		name        string
		head, tail  string
		line        string
		n           int64 // times line
		contentType string
		query       string
		edit        func(*server.Config)
		wantStatus  int
		wantCode    string
		wantInMsg   string
	}{
		{name: "50 MB of {} lines", line: "{}\n", n: 50 << 20 / 3, contentType: "application/x-ndjson",
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "LIMIT", wantInMsg: "10000 events"},
		{name: "50 MB of {} in an array", head: "[", line: "{},", n: 50 << 20 / 3, contentType: "application/json",
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "LIMIT", wantInMsg: "10000 events"},
		{name: "a body above the size limit", line: "{}" + strings.Repeat(" ", 8000) + "\n", n: 10 << 20 / 8003, contentType: "application/x-ndjson", edit: small,
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "LIMIT", wantInMsg: "8388608 bytes"},
		{name: "events up to the caps, each rejected with a long message", line: rejected, n: 2500, contentType: "application/x-ndjson",
			edit: small, wantStatus: http.StatusUnprocessableEntity},
		{name: "a full body of large events, decoded and held (atomic)", line: received, n: (8<<20 - 100) / int64(len(received)),
			tail: "{}\n", contentType: "application/x-ndjson", query: "?atomic=true",
			edit: small, wantStatus: http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg server.Config
			ts := start(t, func(c *server.Config) {
				if tt.edit != nil {
					tt.edit(c)
				}
				cfg = *c
			})
			stop := heapGrowth()
			body := io.MultiReader(strings.NewReader(tt.head),
				&repeatReader{line: []byte(tt.line), left: tt.n * int64(len(tt.line))}, strings.NewReader(tt.tail))
			status, b := postReader(t, ts.URL+"/api/v1/events"+tt.query, tt.contentType, body)
			grew := stop()
			checkAnswer(t, status, b, tt.wantStatus, tt.wantCode, tt.wantInMsg)
			if max := server.EventsAnswerBound(cfg); int64(len(b)) > max {
				t.Errorf("answer of %d bytes, above the bound of %d", len(b), max)
			}
			bound := server.EventsMemoryBound(cfg)
			t.Logf("heap grew by %.1f MB (bound %.1f MB); answer %d bytes", float64(grew)/(1<<20), float64(bound)/(1<<20), len(b))
			if int64(grew) > bound {
				t.Errorf("the heap grew by %d bytes answering one request, above the bound of %d", grew, bound)
			}
		})
	}
}

// checkAnswer checks the status of an answer and, for an error, its code
// and a word of its message.
func checkAnswer(t *testing.T, status int, b []byte, wantStatus int, wantCode, wantInMsg string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %.300s", status, wantStatus, b)
	}
	if wantCode == "" {
		return
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("answer %.300s: %v", b, err)
	}
	if e.Error.Code != wantCode || !strings.Contains(e.Error.Message, wantInMsg) {
		t.Errorf("error %s %q, want %s naming %q", e.Error.Code, e.Error.Message, wantCode, wantInMsg)
	}
}
