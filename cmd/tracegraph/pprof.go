package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"path/filepath"
	"time"
)

// opsOptions are serve's operators' options.
type opsOptions struct {
	// pprofAddr serves net/http/pprof when set: a loopback HOST:PORT.
	pprofAddr string
	// publicURL is the public base URL of the Digital Link resolver
	// (server.Config.PublicURL).
	publicURL string
}

// startPprof serves the Go profiler (net/http/pprof) on addr, a loopback
// address of its own, and returns the function that stops it. It refuses
// other addresses: profiles show the heap and the goroutines' stacks.
func startPprof(log *slog.Logger, addr string) (stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof %q is not HOST:PORT", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--pprof %q: the profiler listens on a loopback address only (e.g. 127.0.0.1:6060)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("pprof stopped", "err", err)
		}
	}()
	log.Info("profiler listening", "pprof", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}

// backupDir is where the service stages the backups it sends: beside the
// embedded store's directory, so that Pebble hard-links its files instead
// of copying them ("" for the OS temporary directory).
func backupDir(sc storeConfig) string {
	if sc.Kind != "" && sc.Kind != storeEmbedded {
		return ""
	}
	abs, err := filepath.Abs(sc.DataDir)
	if err != nil {
		return ""
	}
	return filepath.Dir(abs)
}
