// Command tracegraph is the serial-number traceability service: it serves the
// genealogy graph over GraphQL and HTTP, imports and generates event files, and
// verifies the event log. Run `tracegraph --help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		var exit exitError
		if !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, "tracegraph:", err)
		}
		os.Exit(1)
	}
}

// exitError ends the program with status 1 after the command has said why.
type exitError struct{ msg string }

func (e exitError) Error() string { return e.msg }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "tracegraph",
		Short: "Serial-number traceability for electronics manufacturing",
		Long: `tracegraph records the genealogy of every serialized unit a factory makes:
what it was built from (component lots, serialized parts, wafer batches), how it
was built and tested, how it was packed and where it was shipped. It answers
upstream ("what is inside this unit?") and downstream ("which units, pallets and
customers hold this bad lot?") questions in milliseconds through GraphQL.

Every flag has an environment twin: --data is TRACEGRAPH_DATA, --neo4j-uri is
TRACEGRAPH_NEO4J_URI, and so on. A flag given on the command line wins.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return applyEnv(cmd)
		},
	}
	root.AddCommand(
		newGenerateCmd(),
		newImportCmd(),
		newVerifyCmd(),
		newBenchCmd(),
		newMigrateCmd(),
		newServeCmd(),
		newExportCmd(),
		newContainCmd(),
		newBackupCmd(),
		newRestoreCmd(),
		newExportLogCmd(),
		newVersionCmd(),
		newHealthcheckCmd(),
		newCFXSendCmd(),
	)
	return root
}

// applyEnv sets every flag that was not given on the command line from its
// environment twin TRACEGRAPH_<NAME> (dashes become underscores).
func applyEnv(cmd *cobra.Command) error {
	var errs []error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "help" {
			return
		}
		name := "TRACEGRAPH_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if err := cmd.Flags().Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
			}
		}
	})
	return errors.Join(errs...)
}
