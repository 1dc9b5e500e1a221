package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/pflag"
	"github.com/tracegraph/tracegraph/ingest/cfx"
	"github.com/tracegraph/tracegraph/server"
)

// cfxFlags are serve's IPC-CFX flags (docs/cfx.md): the broker to take CFX
// messages from, and how the factory's messages name units and tests.
type cfxFlags struct {
	url, source, deadLetter string
	panelPositions          bool
	testTypes               []string
}

func (c *cfxFlags) register(f *pflag.FlagSet) {
	f.StringVar(&c.url, "cfx-amqp", "", "take IPC-CFX messages from this AMQP 1.0 broker (amqp://user:password@host:port); better: TRACEGRAPH_CFX_AMQP")
	f.StringVar(&c.source, "cfx-source", "", "the broker address the CFX messages are taken from (RabbitMQ 3: /amq/queue/NAME, the durable queue NAME, declared if missing)")
	f.StringVar(&c.deadLetter, "cfx-dead-letter", "", "the broker address for CFX messages that cannot be applied, with the reason (default: --cfx-source + .dead; RabbitMQ 3: /queue/NAME.dead)")
	f.BoolVar(&c.panelPositions, "cfx-panel-positions", false, "a CFX UnitIdentifier with a position number names a panel: the unit is <UnitIdentifier>.<position>")
	f.StringSliceVar(&c.testTypes, "cfx-test-type", nil, "HANDLE=TYPE: the test type of the UnitsTested and UnitsInspected of the endpoint with this CFX handle (e.g. Line1.ICT=ICT); repeatable")
}

// options are the mapping's options, for server.Config.CFX.
func (c *cfxFlags) options() (cfx.Options, error) {
	opts := cfx.Options{PanelPositions: c.panelPositions}
	for _, tt := range c.testTypes {
		handle, typ, ok := strings.Cut(tt, "=")
		if !ok || strings.TrimSpace(handle) == "" || strings.TrimSpace(typ) == "" {
			return opts, fmt.Errorf("--cfx-test-type %q is not HANDLE=TYPE", tt)
		}
		if opts.TestTypes == nil {
			opts.TestTypes = map[string]string{}
		}
		opts.TestTypes[strings.TrimSpace(handle)] = strings.TrimSpace(typ)
	}
	if (c.url == "") != (c.source == "") {
		return opts, fmt.Errorf("--cfx-amqp and --cfx-source go together: the broker and the address to take messages from")
	}
	return opts, nil
}

// start runs the CFX consumer of srv's ingester when --cfx-amqp is given,
// until ctx ends; stop ends it and waits for it (the message in hand is
// finished and settled first).
func (c *cfxFlags) start(ctx context.Context, log *slog.Logger, srv *server.Server) (stop func(), err error) {
	if c.url == "" {
		return func() {}, nil
	}
	consumer, err := cfx.NewConsumer(cfx.ConsumerConfig{URL: c.url, Source: c.source, DeadLetter: c.deadLetter, Logger: log}, srv.CFX())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = consumer.Run(ctx) // returns nil when ctx ends; it logs losses itself
	}()
	return func() { cancel(); <-done }, nil
}
