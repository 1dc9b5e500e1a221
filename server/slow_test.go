package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/server"
)

// trickle opens a connection that sends a POST's headers and then its body
// a byte every 50 ms, and returns how long the server kept it open (until
// max).
func trickle(t *testing.T, addr string, max time.Duration) time.Duration {
	t.Helper()
	began := time.Now()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /api/v1/events HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n", addr)
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, c) // until the server closes
		close(closed)
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(max)
	for {
		select {
		case <-closed:
			return time.Since(began)
		case <-deadline:
			return max
		case <-tick.C:
			_, _ = c.Write([]byte("{"))
		}
	}
}

// TestSlowClientsCutOff: clients that trickle their bodies are cut off at
// ReadTimeout, and they cannot hold more than MaxConnections connections.
func TestSlowClientsCutOff(t *testing.T) {
	const readTimeout = 500 * time.Millisecond
	ts := start(t, func(c *server.Config) { c.ReadTimeout = readTimeout; c.MaxConnections = 3 })
	addr := strings.TrimPrefix(ts.URL, "http://")
	held := make([]time.Duration, 3)
	var wg sync.WaitGroup
	for i := range held {
		wg.Add(1)
		go func() {
			defer wg.Done()
			held[i] = trickle(t, addr, 5*time.Second)
		}()
	}
	time.Sleep(100 * time.Millisecond) // the three are connected
	began := time.Now()
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waited := time.Since(began)
	wg.Wait()
	for i, d := range held {
		if d >= 5*time.Second || d < readTimeout-50*time.Millisecond {
			t.Errorf("trickling client %d was held %s, want about %s (ReadTimeout)", i, d, readTimeout)
		}
	}
	if resp.StatusCode != http.StatusOK || waited < readTimeout-200*time.Millisecond {
		t.Errorf("a fourth connection was answered %d after %s; want 200 once a trickler was cut off (MaxConnections 3)", resp.StatusCode, waited)
	}
}

// TestWebsocketOutlivesTimeouts: a subscription idle for longer than the
// read and write timeouts still gets its events.
func TestWebsocketOutlivesTimeouts(t *testing.T) {
	ts := startScenario(t, func(c *server.Config) {
		c.ReadTimeout, c.WriteTimeout, c.IdleTimeout = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	})
	ctx := t.Context()
	c := subscribe(t, ctx, ts, `subscription { events(types: ["unit.created"], after: 34) { seq type } }`, nil)
	time.Sleep(time.Second)
	if status, resp := ts.postEvents(t, []byte(`{"id":"s1","type":"unit.created","time":"2026-03-04T08:00:00Z","data":{"serial":"LIVE-1","partNumber":"700-A"}}`), "application/x-ndjson", "", ""); status != http.StatusOK {
		t.Fatalf("POST: %d %+v", status, resp)
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if m := next(t, rctx, c); m.Type != "next" || !strings.Contains(string(m.Payload), `"seq":35`) {
		t.Fatalf("after a second idle: %s %s, want the event of seq 35", m.Type, m.Payload)
	}
}

// TestExportOutlivesWriteTimeout: an export that takes longer than
// WriteTimeout to write is not cut off while it makes progress.
func TestExportOutlivesWriteTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a fan-out")
	}
	const writeTimeout = 200 * time.Millisecond
	const n = 20_000
	ts := start(t, func(c *server.Config) { c.WriteTimeout = writeTimeout; c.ReadTimeout = writeTimeout })
	fanOut(t, ts.Store, n)
	began := time.Now()
	resp, err := http.Get(ts.URL + "/api/v1/export/recall?suspect=MaterialLot:FAN-1&suspect=MaterialLot:FAN-2&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rows := 0
	r := bufio.NewReader(resp.Body)
	for {
		_, err := r.ReadSlice('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d rows and %s: %v", rows, time.Since(began), err)
		}
		rows++
	}
	took := time.Since(began)
	t.Logf("exported %d rows in %s (WriteTimeout %s)", rows-1, took, writeTimeout)
	if got := resp.Trailer.Get("X-Export-Rows"); got != fmt.Sprint(n) {
		t.Errorf("X-Export-Rows = %q after %s, want %d: the export was cut off", got, took, n)
	}
	if took < writeTimeout {
		t.Logf("the export took less than WriteTimeout: inconclusive on this machine")
	}
}

// TestSlowUploadGetsItsAnswer: the write deadline starts when the request
// has been read, so an upload slower than WriteTimeout (within ReadTimeout)
// still gets its answer.
func TestSlowUploadGetsItsAnswer(t *testing.T) {
	ts := start(t, func(c *server.Config) { c.WriteTimeout, c.ReadTimeout = 300*time.Millisecond, 5*time.Second })
	addr := strings.TrimPrefix(ts.URL, "http://")
	body := `{"id":"u1","type":"unit.created","time":"2026-03-04T08:00:00Z","data":{"serial":"SLOW-1","partNumber":"700-A"}}` + "\n"
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /api/v1/events HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	for i := 0; i < len(body); i += 20 { // over about 600 ms
		time.Sleep(100 * time.Millisecond)
		if _, err := c.Write([]byte(body[i:min(i+20, len(body))])); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a slow upload: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
}
