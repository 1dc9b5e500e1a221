package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/ingest"
)

func newImportCmd() *cobra.Command {
	var (
		sc                     storeConfig
		url, token             string
		batchSize              int
		atomic, quiet, keepSeq bool
	)
	cmd := &cobra.Command{
		Use:   "import [flags] FILE...",
		Short: "Load NDJSON event files into the store or a running service",
		Long: `import loads events, one JSON object per line (NDJSON) or a JSON array of
them, from each FILE ("-" reads standard input). Each event is checked against the rules exactly as if a
machine had sent it: good events are recorded, events already recorded (same
id) are reported as duplicates and change nothing, bad ones are rejected with
their line number and the reason.

By default import opens the embedded store in --data directly (stop the
service first, or use --url to send the events to a running service's
POST /api/v1/events); --store neo4j imports into Neo4j.

--keep-seq replays an archive of the event log instead (tracegraph
export-log's NDJSON: events as recorded, with seq, recordedAt and hashes)
into an empty store, or one holding an earlier part of the same log, keeping
every seq and hash: the chain is checked line by line and the import stops at
the first event that does not continue it. Events already present (same seq
and hash) are skipped, so it resumes.

The exit status is 0 when no event was rejected, 1 otherwise.`,
		Example: `  tracegraph generate --units 10000 > factory.ndjson
  tracegraph import --data ./data factory.ndjson
  tracegraph import --url http://127.0.0.1:8080 shift-2026-03-02.ndjson
  tracegraph import --keep-seq --data ./restored log-000001.ndjson log-125001.ndjson`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			if batchSize < 1 || batchSize > tracegraph.MaxListLen {
				return fmt.Errorf("--batch must be between 1 and %d", tracegraph.MaxListLen)
			}
			if keepSeq && (url != "" || atomic) {
				return errors.New("--keep-seq replays into a store opened directly (--data or --store neo4j), not with --url or --atomic")
			}
			var sink ingest.Applier
			if url != "" {
				sink = &httpSink{url: strings.TrimRight(url, "/") + "/api/v1/events", token: token,
					client: &http.Client{Timeout: 5 * time.Minute}}
			} else {
				s, err := openStore(cmd.Context(), sc)
				if err != nil {
					return fmt.Errorf("%w (is a service using it? then import with --url)", err)
				}
				defer s.Close()
				if _, ok := s.(*embedded.Store); ok && sc.Bulk {
					defer embedded.BulkGC()() // restored after the Close above: that flush is the load's
				}
				if keepSeq {
					im, ok := s.(importer)
					if !ok {
						return fmt.Errorf("the %s store cannot import a sealed log", sc.Kind)
					}
					return importSealed(cmd.Context(), im, files, batchSize, cmd.OutOrStdout())
				}
				sink = s
			}
			im := &fileImporter{sink: sink, opts: tracegraph.ApplyOptions{Atomic: atomic}, batch: batchSize, out: cmd.OutOrStdout(), quiet: quiet}
			start := time.Now()
			for _, f := range files {
				if err := im.file(cmd.Context(), f); err != nil {
					return err
				}
			}
			el := time.Since(start)
			fmt.Fprintf(cmd.OutOrStdout(), "%d accepted, %d duplicate, %d rejected in %s (%.0f events/s)\n",
				im.tally.Accepted, im.tally.Duplicates, im.tally.Rejected, el.Round(time.Millisecond),
				float64(im.tally.Accepted+im.tally.Duplicates+im.tally.Rejected)/el.Seconds())
			if im.tally.Rejected > 0 {
				return exitError{"rejections"}
			}
			return nil
		},
	}
	f := cmd.Flags()
	addStoreFlags(f, &sc)
	f.StringVar(&url, "url", "", "base URL of a running service (instead of --data), e.g. http://127.0.0.1:8080")
	f.StringVar(&token, "token", "", "bearer token for --url when the service requires one")
	f.IntVar(&batchSize, "batch", 1000, "events per batch")
	f.BoolVar(&atomic, "atomic", false, "apply each batch all-or-nothing (a line that does not decode aborts its batch too)")
	f.BoolVar(&keepSeq, "keep-seq", false, "replay an export-log archive keeping every seq and hash (into an empty store or an earlier part of the same log)")
	f.BoolVar(&sc.Bulk, "bulk", false, "faster local load without a write-ahead log: durable when import ends; re-run it after a crash")
	f.BoolVar(&quiet, "quiet", false, "no progress bar")
	return cmd
}

// httpSink applies events through a running service (ingest.Applier).
type httpSink struct {
	url, token string
	client     *http.Client
}

// Apply sends events to the service's POST /api/v1/events as NDJSON and
// returns the outcomes it answers.
func (h *httpSink) Apply(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	var body bytes.Buffer
	for _, e := range events {
		b, err := json.Marshal(struct {
			ID       string          `json:"id"`
			Type     string          `json:"type"`
			Time     time.Time       `json:"time"`
			Station  string          `json:"station,omitempty"`
			Operator string          `json:"operator,omitempty"`
			Data     json.RawMessage `json:"data"`
		}{e.ID, string(e.Type), e.Time, e.Station, e.Operator, e.Data})
		if err != nil {
			return nil, err
		}
		body.Write(b)
		body.WriteByte('\n')
	}
	u := h.url
	if opts.Atomic {
		u += "?atomic=true"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("send to %s: %w", h.url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer of %s: %w", h.url, err)
	}
	var ans struct {
		Outcomes []tracegraph.Outcome `json:"outcomes"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil || len(ans.Outcomes) != len(events) {
		return nil, fmt.Errorf("%s answered %s: %.300s", h.url, resp.Status, raw)
	}
	return ans.Outcomes, nil
}

// fileImporter reads files (ingest.Read: NDJSON, or a JSON array) and
// applies them in batches (ingest.Batch), as the service does a body.
type fileImporter struct {
	sink  ingest.Applier
	opts  tracegraph.ApplyOptions
	batch int
	out   io.Writer
	quiet bool
	tally tracegraph.Tally
}

func (im *fileImporter) file(ctx context.Context, name string) error {
	var r io.Reader
	var size int64 = -1
	if name == "-" {
		r, name = os.Stdin, "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		r = f
	}
	var bar *progressbar.ProgressBar
	if !im.quiet {
		bar = progressbar.NewOptions64(size, progressbar.OptionSetDescription(name),
			progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowBytes(true),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		r = io.TeeReader(r, bar)
		defer bar.Finish()
	}
	// The file is read and decoded here while the store applies the
	// batches before (a pipeline), which answers them in order.
	p := newPipeline(im.sink, importWindow)
	b := ingest.NewBatch(im.batch)
	err := ingest.Read(r, "", func(raw []byte, line int) error {
		b.Add(ctx, raw, line)
		if b.Len() == im.batch {
			err := im.flush(ctx, p, name, b)
			b = ingest.NewBatch(im.batch)
			return err
		}
		return nil
	})
	if err == nil {
		err = im.flush(ctx, p, name, b)
	}
	if werr := p.wait(); werr != nil {
		return werr
	}
	if err != nil {
		if tracegraph.ErrorCode(err) == tracegraph.CodeInvalid {
			return fmt.Errorf("%s: %w", name, err)
		}
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// importWindow is how many batches import keeps in flight (as demoWindow).
const importWindow = 2

// flush adds the batch to the pipeline: once applied, each event not
// accepted nor a duplicate is printed with its line and why.
func (im *fileImporter) flush(ctx context.Context, p *pipeline, name string, b *ingest.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	var res ingest.Result
	return p.add(ctx, func(a ingest.Applier) (err error) {
		if res, err = b.Apply(ctx, a, im.opts); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}, func() error {
		im.report(name, res)
		return nil
	})
}

// report tallies a batch's outcomes and prints each event not accepted nor
// a duplicate with its line and why.
func (im *fileImporter) report(name string, res ingest.Result) {
	im.tally.Add(res.Outcomes)
	for i, o := range res.Outcomes {
		if o.Status == tracegraph.OutcomeAccepted || o.Status == tracegraph.OutcomeDuplicate {
			continue
		}
		msg := "rejected"
		if o.Error != nil {
			msg = string(o.Error.Code) + ": " + o.Error.Error()
		}
		if o.ID != "" {
			fmt.Fprintf(im.out, "%s:%d: event %q: %s\n", name, res.Lines[i], o.ID, msg)
		} else {
			fmt.Fprintf(im.out, "%s:%d: %s\n", name, res.Lines[i], msg)
		}
	}
}
