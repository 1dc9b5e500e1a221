package main

import (
	"context"
	"log/slog"

	"github.com/spf13/pflag"
	"github.com/tracegraph/tracegraph/server"
)

// readyMessage is what serve logs once it answers.
const readyMessage = "tracegraph is ready"

// demoStart is bench's Config.DemoStart: the real `serve --demo` (serve,
// with a demo factory of units units and serve's default limits) on the
// embedded store in dir, on a free loopback port, stopped as soon as it
// logs that it is ready.
func demoStart(units int) func(ctx context.Context, dir string, ready func()) error {
	return func(ctx context.Context, dir string, ready func()) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var limits limitFlags
		limits.register(pflag.NewFlagSet("serve", pflag.ContinueOnError)) // serve's defaults
		log := slog.New(&readyHandler{Handler: slog.DiscardHandler, ready: func() { ready(); cancel() }})
		sc := storeConfig{Kind: storeEmbedded, DataDir: dir, Logger: log}
		return serve(ctx, log, sc, "127.0.0.1:0", units, server.AuthConfig{}, &limits, opsOptions{}, &cfxFlags{})
	}
}

// readyHandler calls ready when serve logs readyMessage.
type readyHandler struct {
	slog.Handler
	ready func()
}

func (h *readyHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *readyHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == readyMessage {
		h.ready()
	}
	return nil
}

func (h *readyHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *readyHandler) WithGroup(string) slog.Handler      { return h }
