package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher"
	"github.com/tracegraph/tracegraph/embedded"
)

// migrateBatch is how many events one Neo4j transaction imports, and
// maxMigrateBatch the most --batch may ask: a transaction of more events
// can need more memory than Neo4j allows one transaction by default.
const (
	migrateBatch    = 1000
	maxMigrateBatch = 5000
)

func newMigrateCmd() *cobra.Command {
	sc := storeConfig{Kind: storeNeo4j}
	batch := migrateBatch
	cmd := &cobra.Command{
		Use:   "migrate --data DIR --neo4j-uri URI [--neo4j-user USER] [--neo4j-password PASSWORD]",
		Short: "Copy the embedded store's event log into Neo4j",
		Long: `migrate replays the event log of the embedded store in --data into the Neo4j
database at --neo4j-uri, in batches of --batch events, one transaction each.
Every event keeps its seq, recordedAt and hash, so the audit chain stays
verifiable end to end; the graph is rebuilt in Neo4j by the same rules.

It is resumable and idempotent: it continues from the Neo4j head, skipping the
events already there (checked by id and hash), so it can be stopped and run
again at any time. The Neo4j database must be empty or hold an earlier part of
this same log. It ends by comparing the two heads.

Stop the service that writes to --data first, or migrate again afterwards to
copy what arrived meanwhile.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if sc.DataDir == "" {
				return errors.New("migrate needs --data (the embedded store's directory)")
			}
			if sc.Neo4jURI == "" {
				return errors.New("migrate needs --neo4j-uri (e.g. neo4j://localhost:7687)")
			}
			if batch <= 0 || batch > maxMigrateBatch {
				return fmt.Errorf("--batch %d is not between 1 and %d: one Neo4j transaction imports --batch events, "+
					"and more than %d can exceed the memory Neo4j allows a transaction", batch, maxMigrateBatch, maxMigrateBatch)
			}
			return runMigrate(cmd.Context(), sc, batch, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&sc.DataDir, "data", "", "the embedded store's directory to migrate from")
	f.StringVar(&sc.Neo4jURI, "neo4j-uri", "", "Neo4j address to migrate to, e.g. neo4j://localhost:7687")
	f.StringVar(&sc.Neo4jUser, "neo4j-user", "neo4j", "Neo4j user")
	f.StringVar(&sc.Neo4jPassword, "neo4j-password", "", "Neo4j password (better: TRACEGRAPH_NEO4J_PASSWORD)")
	f.StringVar(&sc.Neo4jDatabase, "neo4j-database", "", "Neo4j database (default: the server's default)")
	f.IntVar(&batch, "batch", migrateBatch, fmt.Sprintf("events per Neo4j transaction (at most %d)", maxMigrateBatch))
	return cmd
}

// importer is what migrate needs of the Neo4j store.
type importer interface {
	Head(ctx context.Context) (uint64, string, error)
	Import(ctx context.Context, events []*tracegraph.Event) (int, error)
}

var _ importer = (*cypher.Store)(nil)

func runMigrate(ctx context.Context, sc storeConfig, batch int, stdout, stderr io.Writer) error {
	if _, err := os.Stat(sc.DataDir); err != nil {
		return fmt.Errorf("migrate from %s: %w", sc.DataDir, err)
	}
	src, err := embedded.Open(sc.DataDir, embedded.Options{})
	if err != nil {
		return fmt.Errorf("open embedded store in %s: %w", sc.DataDir, err)
	}
	defer src.Close()
	dst, err := cypher.Open(ctx, neo4jConfig(sc))
	if err != nil {
		return err
	}
	defer dst.Close()
	return migrate(ctx, src, dst, batch, stdout, stderr)
}

// migrate copies src's log after dst's head into dst and compares the heads.
func migrate(ctx context.Context, src tracegraph.EventLog, dst importer, batch int, stdout, stderr io.Writer) error {
	srcSeq, srcHash, err := src.Head(ctx)
	if err != nil {
		return fmt.Errorf("read the embedded head: %w", err)
	}
	dstSeq, dstHash, err := dst.Head(ctx)
	if err != nil {
		return fmt.Errorf("read the Neo4j head: %w", err)
	}
	switch {
	case dstSeq > srcSeq:
		return fmt.Errorf("Neo4j holds %d events, the embedded store %d: it is not an earlier part of this log", dstSeq, srcSeq)
	case dstSeq > 0:
		evs, err := src.Events(ctx, dstSeq-1, 1)
		if err != nil {
			return fmt.Errorf("read event %d: %w", dstSeq, err)
		}
		if len(evs) != 1 || evs[0].Hash != dstHash {
			return fmt.Errorf("the Neo4j log differs from the embedded one at event %d: migrate into an empty database", dstSeq)
		}
		fmt.Fprintf(stdout, "resuming after event %d of %d\n", dstSeq, srcSeq)
	}
	bar := progressbar.NewOptions64(int64(srcSeq-dstSeq),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("migrating events"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("events"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }),
	)
	after, imported := dstSeq, 0
	for after < srcSeq {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("migrate stopped after event %d (run it again to resume): %w", after, err)
		}
		evs, err := src.Events(ctx, after, batch)
		if err != nil {
			return fmt.Errorf("read events after %d: %w", after, err)
		}
		if len(evs) == 0 {
			break
		}
		n, err := dst.Import(ctx, evs)
		if errors.Is(err, cypher.ErrTransactionMemory) {
			return fmt.Errorf("migrate events %d–%d: %w; run it again with a smaller --batch (now %d) to resume, "+
				"or raise db.memory.transaction.max on the Neo4j server", evs[0].Seq, evs[len(evs)-1].Seq, err, batch)
		}
		if err != nil {
			return fmt.Errorf("migrate events %d–%d (run it again to resume): %w", evs[0].Seq, evs[len(evs)-1].Seq, err)
		}
		imported += n
		after = evs[len(evs)-1].Seq
		_ = bar.Add(len(evs))
	}
	_ = bar.Finish()
	gotSeq, gotHash, err := dst.Head(ctx)
	if err != nil {
		return fmt.Errorf("read the Neo4j head: %w", err)
	}
	if gotSeq != srcSeq || gotHash != srcHash {
		return fmt.Errorf("heads differ after migrating: embedded %d %.16s…, Neo4j %d %.16s…", srcSeq, srcHash, gotSeq, gotHash)
	}
	fmt.Fprintf(stdout, "migrated %d events; Neo4j head = embedded head = %d %s\n", imported, gotSeq, gotHash)
	return nil
}
