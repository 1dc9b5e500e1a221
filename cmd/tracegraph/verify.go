package main

import (
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph/embedded"
)

func newVerifyCmd() *cobra.Command {
	var dataDir string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "verify [--data DIR]",
		Short: "Check the event log's hash chain and that the graph matches the log",
		Long: `verify reads the whole event log of the embedded store in --data and checks
that it is an unbroken hash chain (no record altered, removed or reordered),
then replays every event through the rules into a scratch store and compares
every node, edge, hold and identifier with the store's. The exit status is 0
only when everything is intact. Stop the service first: verify opens the
store directly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(dataDir); err != nil {
				return fmt.Errorf("no store in %s: %w", dataDir, err)
			}
			s, err := embedded.Open(dataDir, embedded.Options{})
			if err != nil {
				return fmt.Errorf("open store in %s (is a service using it?): %w", dataDir, err)
			}
			defer s.Close()
			var bar *progressbar.ProgressBar
			progress := func(done, total uint64) {
				if quiet {
					return
				}
				if bar == nil {
					bar = progressbar.NewOptions64(int64(total), progressbar.OptionSetDescription("verify"),
						progressbar.OptionSetWriter(os.Stderr), progressbar.OptionThrottle(200*time.Millisecond),
						progressbar.OptionClearOnFinish())
				}
				bar.Set64(int64(done))
			}
			start := time.Now()
			rep, err := s.Verify(cmd.Context(), progress)
			if bar != nil {
				bar.Finish()
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !rep.OK() {
				fmt.Fprintf(out, "NOT INTACT: %d events checked, %d problems:\n", rep.Events, len(rep.Problems))
				for _, p := range rep.Problems {
					fmt.Fprintln(out, "  -", p)
				}
				return exitError{"not intact"}
			}
			fmt.Fprintf(out, "intact: %d events, head hash %s, graph matches the log (%s)\n", rep.Events, rep.HeadHash, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "./data", "embedded store directory")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress bar")
	return cmd
}
