package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

func newVerifyCmd() *cobra.Command {
	var (
		sc                   storeConfig
		baseURL, token, head string
		quiet                bool
	)
	cmd := &cobra.Command{
		Use:   "verify [--data DIR | --store neo4j | --url URL] [--expect-head SEQ:HASH]",
		Short: "Check the event log's hash chain and that the graph matches the log",
		Long: `verify reads the whole event log and checks that it is an unbroken hash chain
of records that decode (no record altered, removed or reordered), then replays
every event through the rules and compares every record the store keeps
(nodes, edges, holds, identifiers, each node's history, the event id index and
the secondary indexes) with what the log produces. The exit status is 0 only
when everything is intact; findings are listed otherwise.

--data verifies an embedded store directly (stop the service first: it holds
the directory), even one the service refuses to open. --url asks a running
service to verify itself (GET /api/v1/verify, on a consistent snapshot while
it goes on ingesting). --store neo4j verifies the Neo4j database.

--expect-head SEQ:HASH (from GET /api/v1/head or the head query, kept with
a delivery or an audit) proves the log is the one that head was taken from:
the event SEQ must still have that hash, or the store is NOT INTACT.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var opts tracegraph.VerifyOptions
			if head != "" {
				a, err := tracegraph.ParseAnchor("--expect-head", head)
				if err != nil {
					return err
				}
				opts.ExpectHead = a
			}
			var bar *progressbar.ProgressBar
			opts.Progress = func(done, total uint64) {
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
			rep, err := runVerify(ctx, sc, baseURL, token, opts)
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
			fmt.Fprintf(out, "intact: %d events, head %d:%s, graph matches the log (%s)\n", rep.Events, rep.HeadSeq, rep.HeadHash, time.Since(start).Round(time.Millisecond))
			if opts.ExpectHead.Seq != 0 {
				fmt.Fprintf(out, "the log passes through the expected head %s\n", opts.ExpectHead)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&sc.DataDir, "data", "./data", "embedded store directory")
	addNeo4jFlags(f, &sc)
	f.StringVar(&baseURL, "url", "", "base URL of a running service to verify itself (instead of --data), e.g. http://127.0.0.1:8080")
	f.StringVar(&token, "token", "", "bearer token for --url (with the write scope) when the service requires one")
	f.StringVar(&head, "expect-head", "", "SEQ:HASH the log must pass through (from GET /api/v1/head)")
	f.BoolVar(&quiet, "quiet", false, "no progress bar")
	return cmd
}

// runVerify verifies the store sc names, or the service at baseURL.
func runVerify(ctx context.Context, sc storeConfig, baseURL, token string, opts tracegraph.VerifyOptions) (*tracegraph.VerifyReport, error) {
	switch {
	case baseURL != "":
		return verifyURL(ctx, baseURL, token, opts.ExpectHead)
	case sc.Kind == storeNeo4j:
		s, err := openStore(ctx, sc)
		if err != nil {
			return nil, err
		}
		defer s.Close()
		v, ok := s.(tracegraph.Verifier)
		if !ok {
			return nil, fmt.Errorf("the %s store cannot verify itself", sc.Kind)
		}
		return v.Verify(ctx, opts)
	case sc.Kind == "" || sc.Kind == storeEmbedded:
		return embedded.VerifyDir(ctx, sc.DataDir, opts)
	}
	return nil, fmt.Errorf("--store %q is not %s or %s", sc.Kind, storeEmbedded, storeNeo4j)
}

// verifyURL asks the service at baseURL to verify itself.
func verifyURL(ctx context.Context, baseURL, token string, expect tracegraph.Anchor) (*tracegraph.VerifyReport, error) {
	u := strings.TrimRight(baseURL, "/") + "/api/v1/verify"
	if expect.Seq != 0 {
		u += "?expectHead=" + url.QueryEscape(expect.String())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("verify at %s: %w", baseURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer of %s: %w", u, err)
	}
	var rep tracegraph.VerifyReport
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &rep) != nil || rep.Problems == nil {
		return nil, fmt.Errorf("%s answered %s: %.300s", u, resp.Status, raw)
	}
	return &rep, nil
}
