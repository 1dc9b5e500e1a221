package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

// goldenText compares got with testdata/name byte for byte; -update
// rewrites the file.
func goldenText(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./server/ -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run go test ./server/ -update if the change is right):\n%s", name, path, diffLines(string(want), string(got)))
	}
}

// get sends a GET and returns the response with its body read (trailers
// are available then).
func (ts *testServer) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return resp, b
}

// TestExportBodies checks the exports of the analysts' scenario byte for
// byte, with their headers and the trailer that marks a complete answer.
func TestExportBodies(t *testing.T) {
	ts := startAnalyst(t)
	tests := []struct {
		name, path, contentType string
		rows                    int
	}{
		{"export-recall.csv", "/api/v1/export/recall?suspect=MaterialLot:CAP-B", "text/csv; charset=utf-8", 7},
		{"export-recall.ndjson", "/api/v1/export/recall?suspect=MaterialLot:CAP-B&format=ndjson", "application/x-ndjson", 7},
		{"export-recall-history.csv", "/api/v1/export/recall?suspect=MaterialLot:PMIC-L1&history=true", "text/csv; charset=utf-8", 4},
		{"export-recall-material.ndjson", "/api/v1/export/recall?mpn=TPS62840&dateCodeFrom=2606&format=ndjson&evidence=false", "application/x-ndjson", 8},
		{"export-where-used.csv", "/api/v1/export/where-used?supplier=DIGI&shippedFrom=2026-04-05T00:00:00Z", "text/csv; charset=utf-8", 2},
		{"export-process.csv", "/api/v1/export/process?station=REFLOW-2&parameter=peakC&min=235&max=255", "text/csv; charset=utf-8", 2},
		{"export-test.ndjson", "/api/v1/export/test?testType=FCT&measurement=VCC_3V3&withinPercent=5&format=ndjson", "application/x-ndjson", 2},
		{"export-test-none.csv", "/api/v1/export/test?firmwareVersion=9.9.9", "text/csv; charset=utf-8", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			kind := strings.TrimPrefix(tt.path[:strings.IndexByte(tt.path, '?')], "/api/v1/export/")
			ext := tt.name[strings.LastIndexByte(tt.name, '.'):]
			if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="`+kind+`-20260305T120000Z`+ext+`"`; got != want {
				t.Errorf("Content-Disposition = %q, want %q", got, want)
			}
			if got := resp.Trailer.Get("X-Export-Rows"); got != strconv.Itoa(tt.rows) {
				t.Errorf("trailer X-Export-Rows = %q, want %d", got, tt.rows)
			}
			if ext == ".ndjson" {
				for i, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n")) {
					if len(line) > 0 && !json.Valid(line) {
						t.Errorf("line %d is not JSON: %s", i+1, line)
					}
				}
			}
			goldenText(t, tt.name, body)
		})
	}
}

// TestExportErrors checks that a bad export is answered before its first
// byte, as JSON with the code.
func TestExportErrors(t *testing.T) {
	ts := startAnalyst(t)
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"/api/v1/export/recall?suspect=MaterialLot:NOPE", http.StatusNotFound, "NOT_FOUND"},
		{"/api/v1/export/recall", http.StatusBadRequest, "INVALID"},
		{"/api/v1/export/recall?suspect=SN1", http.StatusBadRequest, "INVALID"},
		{"/api/v1/export/recall?suspect=MaterialLot:CAP-B&format=xlsx", http.StatusBadRequest, "INVALID"},
		{"/api/v1/export/recall?suspect=MaterialLot:CAP-B&station=X", http.StatusBadRequest, "INVALID"},
		{"/api/v1/export/recall?dateCodeFrom=2699", http.StatusBadRequest, "INVALID"},
		{"/api/v1/export/where-used?supplier=DIGI&shippedFrom=yesterday", http.StatusBadRequest, "INVALID"},
		{"/api/v1/export/process?parameter=peakC&min=1", http.StatusBadRequest, "INVALID"},
		{"/api/v1/export/test?testType=FCT&withinPercent=abc", http.StatusBadRequest, "INVALID"},
		{"/api/v1/export/bom?x=1", http.StatusNotFound, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := ts.get(t, tt.path)
			var e struct{ Error *tracegraph.Error }
			if err := json.Unmarshal(body, &e); err != nil || e.Error == nil {
				t.Fatalf("status %d, body %s: not a JSON error", resp.StatusCode, body)
			}
			if resp.StatusCode != tt.status || string(e.Error.Code) != tt.code {
				t.Errorf("status %d code %s, want %d %s (%s)", resp.StatusCode, e.Error.Code, tt.status, tt.code, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
		})
	}
}

var (
	exportUnits = flag.Int("export-units", 50_000, "units of the fan-out TestExportLargeStreams exports")
	exportBulk  = flag.Bool("export-bulk", false, "load the fan-out without a write-ahead log")
)

// fanOut loads a synthetic fan-out into st: two lots consumed by n boards,
// every other board by the first (EXACT), the others by the second in a
// splice window (CANDIDATE).
func fanOut(t testing.TB, st tracegraph.Store, n int) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	mk := func(id string, typ tracegraph.EventType, data string) *tracegraph.Event {
		ev := &tracegraph.Event{ID: id, Type: typ, Time: at, Data: json.RawMessage(data)}
		if err := ev.Normalize(); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return ev
	}
	batch := []*tracegraph.Event{
		mk("lot-1", tracegraph.EventLotReceived, `{"lot":"FAN-1","partNumber":"IC-FAN","supplier":"SUP-F","dateCode":"2612"}`),
		mk("lot-2", tracegraph.EventLotReceived, `{"lot":"FAN-2","partNumber":"IC-FAN","supplier":"SUP-F","dateCode":"2613"}`),
	}
	flush := func() {
		outs, err := st.Apply(ctx, batch, tracegraph.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				t.Fatalf("event %s: %s %v", o.ID, o.Status, o.Error)
			}
		}
		batch = batch[:0]
	}
	for i := 0; i < n; i++ {
		s := fmt.Sprintf("FB%07d", i)
		consumed := `{"unit":"` + s + `","lot":"FAN-1","refDes":["U1"]}`
		if i%2 == 1 {
			consumed = `{"unit":"` + s + `","lot":"FAN-2","refDes":["U1"],"precision":"CANDIDATE"}`
		}
		batch = append(batch,
			mk("c-"+s, tracegraph.EventUnitCreated, `{"serial":"`+s+`","partNumber":"700-FAN","workOrder":"WO-FAN-`+strconv.Itoa(i/5000)+`"}`),
			mk("m-"+s, tracegraph.EventMaterialConsumed, consumed))
		if len(batch) >= 20_000 {
			flush()
		}
	}
	flush()
}

// syncBuffer is a bytes.Buffer safe for concurrent use (a server's log).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// heapSampler samples the Go heap (runtime.ReadMemStats and the live heap
// of runtime/metrics) until stopped and keeps the peaks.
type heapSampler struct {
	stop      chan struct{}
	done      sync.WaitGroup
	peak      uint64 // of HeapAlloc
	peakInuse uint64 // of HeapInuse
	// peakLive is of the heap the last collection found live
	// (/gc/heap/live:bytes): what is kept, without the garbage not yet
	// collected, which depends on how far the collector is behind.
	peakLive uint64
}

// liveHeap returns the heap the last collection marked live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func sampleHeap(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			h.peak = max(h.peak, ms.HeapAlloc)
			h.peakInuse = max(h.peakInuse, ms.HeapInuse)
			h.peakLive = max(h.peakLive, liveHeap())
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	return h.peak
}

// The stated bound of an export's memory (docs/bench-recall.md): the Go heap
// during a streamed export stays within exportHeapBase plus exportHeapPerNode
// bytes per node of the store above the heap of the loaded store before it,
// whatever the number of rows. The per-node part is the traversal's state
// (marks and the list of reached nodes, a few bytes per node each, and the
// collector's slack over a heap that grows with the store), never rows.
const (
	exportHeapBase    = 16 << 20
	exportHeapPerNode = 64
)

// TestExportLargeStreams exports a recall reaching -export-units units
// (50,000 by default; docs/bench-recall.md has runs with 250,000 and
// 1,000,000) over HTTP as NDJSON and CSV, each row with its evidence, and as
// the bare CSV list, and checks that the Go heap of the process (server, store and
// client) stays within exportHeapBound above the loaded store's while the
// answer, several times larger, streams through.
func TestExportLargeStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a large fan-out")
	}
	n := *exportUnits
	began := time.Now()
	st, err := embedded.Open(t.TempDir(), embedded.Options{Clock: clock, NodeCacheEntries: 1000, CacheBytes: 8 << 20, Bulk: *exportBulk})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	ts := startWith(t, st, func(c *server.Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	fanOut(t, st, n)
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nodes := 0
	for _, c := range stats.Nodes {
		nodes += c
	}
	bound := int64(exportHeapBase + exportHeapPerNode*nodes)
	t.Logf("loaded %d units (%d nodes) in %s; heap bound +%.1f MB", n, nodes, time.Since(began).Round(time.Millisecond), float64(bound)/(1<<20))

	for _, tt := range []struct{ name, format, query string }{
		{"ndjson", "ndjson", ""},
		{"csv", "csv", ""},
		{"csv-without-evidence", "csv", "&evidence=false"},
	} {
		format := tt.format
		t.Run(tt.name, func(t *testing.T) {
			// A collector that runs often, so that the heap measured is what
			// the export keeps, not the garbage it has not collected yet.
			defer debug.SetGCPercent(debug.SetGCPercent(10))
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base, baseLive := ms.HeapAlloc, liveHeap()
			h := sampleHeap(2 * time.Millisecond)
			began := time.Now()
			resp, err := http.Get(ts.URL + "/api/v1/export/recall?suspect=MaterialLot:FAN-1&suspect=MaterialLot:FAN-2&format=" + format + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			var bytesRead, rows, possible int
			r := bufio.NewReaderSize(resp.Body, 64<<10)
			for {
				line, err := r.ReadSlice('\n')
				bytesRead += len(line)
				if len(line) > 0 {
					rows++
					if bytes.Contains(line, []byte("CANDIDATE")) {
						possible++
					}
				}
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("reading the export: %v", err)
				}
			}
			resp.Body.Close()
			el := time.Since(began)
			peak := h.Stop()
			if format == "csv" {
				rows-- // the header
			}
			if rows != n || possible != n/2 {
				t.Errorf("%d rows, %d of them possible; want %d and %d", rows, possible, n, n/2)
			}
			if got := resp.Trailer.Get("X-Export-Rows"); got != strconv.Itoa(n) {
				t.Errorf("trailer X-Export-Rows = %q, want %d", got, n)
			}
			// What the export keeps is measured by the live heap, as each
			// collection (every 10 % of growth) finds it: the heap allocated
			// also counts the garbage not yet collected, which depends on how
			// far behind a busy machine leaves the collector (it reached 1.04
			// times the answer at load 5 with nothing held).
			grew := int64(h.peakLive) - int64(baseLive)
			t.Logf("%s: %d rows, %.1f MB in %s (%.0f rows/s); live heap %.1f MB before, peak %.1f MB (+%.1f MB; bound +%.1f MB); heap allocated peak +%.1f MB",
				tt.name, rows, float64(bytesRead)/(1<<20), el.Round(time.Millisecond), float64(rows)/el.Seconds(),
				float64(baseLive)/(1<<20), float64(h.peakLive)/(1<<20), float64(grew)/(1<<20), float64(bound)/(1<<20),
				float64(int64(peak)-int64(base))/(1<<20))
			if grew > bound {
				t.Errorf("the heap grew by %.1f MB during the export, above the bound of %.1f MB", float64(grew)/(1<<20), float64(bound)/(1<<20))
			}
			// Held whole, the answer alone would grow the live heap by its
			// size.
			if format == "ndjson" && int64(bytesRead) <= grew {
				t.Errorf("the heap grew by %d bytes, more than the whole answer (%d bytes): it may have been held", grew, bytesRead)
			}
		})
	}
	t.Run("client goes away", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/api/v1/export/recall?suspect=MaterialLot:FAN-1&format=ndjson", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
			t.Fatalf("reading the first 64 KiB: %v", err)
		}
		cancel()
		resp.Body.Close()
		// The export stops: the handler sees its context end and says so.
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(logs.String(), "export: the client went away") {
			if time.Now().After(deadline) {
				t.Fatalf("the export did not stop after the client went away; log:\n%s", logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}
