package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph/ingest/cfx"
)

func newCFXSendCmd() *cobra.Command {
	var (
		url, to string
		zip     bool
	)
	cmd := &cobra.Command{
		Use:   "cfx-send --amqp URL --to ADDRESS FILE...",
		Short: "Send IPC-CFX messages to an AMQP 1.0 broker, as a line's machines do (for trials and tests)",
		Long: `cfx-send publishes each FILE ("-" reads standard input), a CFX envelope or a
JSON array of them, as one durable AMQP 1.0 message to ADDRESS, as a CFX
endpoint does; --gzip compresses it as the CFX SDK does by default. A
tracegraph serve with --cfx-amqp takes them from there (docs/cfx.md).
On RabbitMQ 3, send to /queue/NAME: it declares the durable queue NAME if
it is missing, which serve consumes as --cfx-source /amq/queue/NAME.`,
		Example: `  tracegraph cfx-send --amqp amqp://guest:guest@127.0.0.1:5682 --to /queue/cfx tested.json`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			if url == "" || to == "" {
				return fmt.Errorf("--amqp and --to are required: the broker and the address to send to")
			}
			bodies := make([][]byte, len(files))
			for i, f := range files {
				var err error
				if f == "-" {
					bodies[i], err = io.ReadAll(cmd.InOrStdin())
				} else {
					bodies[i], err = os.ReadFile(f)
				}
				if err != nil {
					return err
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), time.Minute)
			defer cancel()
			if err := cfx.Publish(ctx, url, to, zip, bodies...); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sent %d message(s) to %s\n", len(bodies), to)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&url, "amqp", "", "the AMQP 1.0 broker (amqp://user:password@host:port)")
	f.StringVar(&to, "to", "", "the address to send to (RabbitMQ: /queue/NAME)")
	f.BoolVar(&zip, "gzip", false, "compress each message (content-encoding gzip), as CFX endpoints do by default")
	return cmd
}
