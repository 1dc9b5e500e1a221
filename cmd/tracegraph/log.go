package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
)

func newExportLogCmd() *cobra.Command {
	var (
		sc             storeConfig
		baseURL, token string
		after          uint64
	)
	cmd := &cobra.Command{
		Use:   "export-log [--after SEQ] (--data DIR | --store neo4j --neo4j-uri URI | --url URL)",
		Short: "Write the event log, with its seqs, times and hashes, as NDJSON to stdout: the archive",
		Long: `export-log writes every event after --after SEQ (default: from the first) up to
the head as NDJSON, one event a line exactly as recorded: seq, id, type, time,
station, operator, data, recordedAt, prevHash and hash. That is tracegraph's
long-term archive format (docs/archive.md): every line can be checked against
the hash chain with nothing but SHA-256, and tracegraph import --keep-seq
replays it into an empty store, embedded or Neo4j, with the same chain.
Archive incrementally: the next export starts --after the last seq archived.

It reads the embedded store in --data (stopped), the Neo4j store (--store
neo4j) or a running service (--url: GET /api/v1/admin/log, a token with the
write scope when the service requires one).`,
		Example: `  tracegraph export-log --url http://127.0.0.1:8080 > log-000001.ndjson
  tracegraph export-log --url http://127.0.0.1:8080 --after 125000 > log-125001.ndjson
  tracegraph export-log --store neo4j --neo4j-uri neo4j://localhost:7687 | gzip > log.ndjson.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			var err error
			if baseURL != "" {
				err = exportLogRemote(cmd.Context(), out, baseURL, token, after)
			} else {
				err = exportLogLocal(cmd.Context(), out, sc, after)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&after, "after", 0, "export the events after this seq (0: all)")
	f.StringVar(&baseURL, "url", "", "base URL of a running service, e.g. http://127.0.0.1:8080")
	f.StringVar(&token, "token", "", "bearer token for --url when the service requires one")
	addStoreFlags(f, &sc)
	return cmd
}

// exportLogLocal writes the log of the configured store after seq.
func exportLogLocal(ctx context.Context, w io.Writer, sc storeConfig, after uint64) error {
	if sc.Kind != storeNeo4j {
		if _, err := os.Stat(sc.DataDir); err != nil {
			return fmt.Errorf("no store in %s (--data): %w", sc.DataDir, err)
		}
	}
	st, err := openStore(ctx, sc)
	if err != nil {
		return err
	}
	defer st.Close()
	head, _, err := st.Head(ctx)
	if err != nil {
		return err
	}
	_, err = tracegraph.WriteLog(ctx, st, w, after, head, 2000)
	return err
}

// exportLogRemote copies a running service's log after seq to w.
func exportLogRemote(ctx context.Context, w io.Writer, baseURL, token string, after uint64) error {
	resp, err := adminRequest(ctx, http.MethodGet, baseURL, "/api/v1/admin/log?after="+strconv.FormatUint(after, 10), token)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("export-log: the answer was cut short: %w", err)
	}
	if resp.Trailer.Get(api.HeaderLogHead) == "" {
		return errors.New("export-log: the answer was cut short (no X-Log-Head trailer)")
	}
	return nil
}

// importSealed replays archive files (export-log's NDJSON) into st with
// their seqs and hashes, batch events per call, and reports what it did.
// A line that is not a recorded event stops it: an archive is replayed
// whole or not past its first bad line.
func importSealed(ctx context.Context, st importer, files []string, batch int, out io.Writer) error {
	var appended, read int
	var pending []*tracegraph.Event
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		n, err := st.Import(ctx, pending)
		if err != nil {
			return fmt.Errorf("events %d–%d: %w", pending[0].Seq, pending[len(pending)-1].Seq, err)
		}
		appended += n
		pending = pending[:0]
		return nil
	}
	for _, name := range files {
		err := eachLine(name, func(line int, b []byte) error {
			ev, err := tracegraph.DecodeRecordLine(b)
			if err != nil {
				return fmt.Errorf("%s:%d: %w", name, line, err)
			}
			read++
			pending = append(pending, ev)
			if len(pending) >= batch {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := flush(); err != nil {
		return err
	}
	seq, hash, err := st.Head(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d events appended with their seqs and hashes, %d already present; head %d %s\n", appended, read-appended, seq, hash)
	return nil
}

// eachLine calls f with each non-blank line of the file name ("-": stdin).
func eachLine(name string, f func(line int, b []byte) error) error {
	var r io.Reader = os.Stdin
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		r = fh
	}
	br := bufio.NewReaderSize(r, 1<<20)
	for line := 1; ; line++ {
		raw, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(raw); len(t) > 0 {
			if ferr := f(line, t); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
	}
}
