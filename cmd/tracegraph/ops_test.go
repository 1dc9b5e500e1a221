package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHealthcheck: the container's health check passes when /healthz
// answers 200, also when given the service's wildcard address, and fails
// otherwise.
func TestHealthcheck(t *testing.T) {
	var healthy atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || !healthy.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, `{"status":"ok"}`)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	ctx := context.Background()
	for _, tc := range []struct {
		name, addr string
		healthy    bool
		ok         bool
	}{
		{"loopback", "127.0.0.1:" + port, true, true},
		{"wildcard address", "0.0.0.0:" + port, true, true},
		{"unhealthy", "127.0.0.1:" + port, false, false},
		{"nothing listening", "127.0.0.1:1", true, false},
		{"not host:port", "localhost", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			healthy.Store(tc.healthy)
			err := healthcheck(ctx, io.Discard, tc.addr, 2*time.Second)
			if (err == nil) != tc.ok {
				t.Errorf("healthcheck(%s) = %v, want ok %v", tc.addr, err, tc.ok)
			}
		})
	}
}

// TestPprof: the profiler listens on a loopback address only, and serves
// the profiles there.
func TestPprof(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:6060", ":6060", "nonsense"} {
		if stop, err := startPprof(log, addr); err == nil {
			stop()
			t.Errorf("startPprof(%q) succeeded, want a refusal", addr)
		}
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	stop, err := startPprof(log, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "goroutine profile") {
		t.Errorf("GET /debug/pprof/goroutine = %d %.100s", resp.StatusCode, b)
	}
}
