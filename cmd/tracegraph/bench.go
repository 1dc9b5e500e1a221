package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/bench"
	"github.com/tracegraph/tracegraph/cypher"
	"github.com/tracegraph/tracegraph/embedded"
)

func newBenchCmd() *cobra.Command {
	var (
		cfg                storeConfig
		units, samples     int
		seed               uint64
		only               string
		clients, perClient int
		cpuProfile         string
		pgDSN, profileDir  string
		httpQueries, demoN int
		adoptStore         bool
	)
	cmd := &cobra.Command{
		Use:   "bench [flags]",
		Short: "Measure tracegraph against its performance targets on a generated factory",
		Long: `bench generates the reference factory (--units, --seed) into the store in
--data (once: a later run with the same size reuses it), then measures every
target of PERFORMANCE.md and of issue 14 and prints each figure beside its
floor or peer, measured in the same run, their ratio and the target, as a
Markdown table (docs/bench-rig.md says what each row measures):

  import     bulk import of the factory's NDJSON (import --bulk), beside
             decoding the same NDJSON alone and Pebble taking as many keys
             raw; measured when the factory is loaded (a fresh --data)
  ingest     durable ingest over HTTP and through Store.Apply, each into a
             fresh store, beside one writer's write+fsync loop on that disk
  http       the README genealogy over HTTP GraphQL, 16 clients, beside
             { __typename } and the store's own Trace+Nodes
  demo       serve --demo from an empty data directory to ready, beside
             generating the same events
  postgres   genealogy vs PostgreSQL recursive CTEs (pgbaseline), strictly
             alternating; only with --pg-dsn (scripts/pg-baseline-up.sh)
  recall, genealogy, explode, memory   the store's own queries at this size

--only selects rows. Run it on a quiet machine; figures vary with load.
--adopt measures a store loaded by generate | import --bulk (the factory of
--units and --seed) without loading it again.

With --store neo4j it measures the embedded store first, then migrates its log
into the Neo4j database (which must be empty, or hold this same factory from
an earlier run) measuring events/s, then measures Neo4j on the same factory,
and prints both tables. Durable ingest into Neo4j goes into that database
under a fresh site code, so runs never collide.`,
		Example: `  tracegraph bench --units 1000000 --data /var/tmp/tracegraph-bench-M
  tracegraph bench --units 100000 --only genealogy,recall
  tracegraph bench --units 20000 --data /var/tmp/tb-20k --pg-dsn "$(scripts/pg-baseline-up.sh /tmp/tg-pg)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log := cmd.ErrOrStderr()
			b := bench.Config{Units: units, Seed: seed, Samples: samples, Log: log,
				FactsFile: filepath.Join(cfg.DataDir, "bench-facts.json"), IngestClients: clients, IngestEvents: perClient,
				HTTPQueries: httpQueries, PostgresDSN: pgDSN, ProfileDir: profileDir,
				DemoStart: demoStart(demoN), DemoUnits: demoN, DemoSeed: demoSeed, Adopt: adoptStore}
			if only != "" {
				b.Only = strings.Split(only, ",")
			}
			if cpuProfile != "" && profileDir != "" {
				return errors.New("--cpuprofile profiles the whole run, --profile-dir each row: one or the other")
			}
			if cpuProfile != "" {
				f, err := os.Create(cpuProfile)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			rep, err := bench.Run(ctx, embeddedBench(b, cfg.DataDir))
			if err != nil {
				return err
			}
			if cfg.Kind != storeNeo4j {
				fmt.Fprint(cmd.OutOrStdout(), rep.Markdown())
				return nil
			}
			// Neo4j beside the embedded store, on the same factory in the
			// same run: the embedded store's log is migrated into Neo4j.
			moved, err := benchMigrate(ctx, cfg, log)
			if err != nil {
				return err
			}
			nrep, err := bench.Run(ctx, neo4jBench(b, cfg))
			if err != nil {
				return err
			}
			// The load and the topology's memory are the embedded store's
			// figures (the factory came through it); Neo4j's load is the
			// migration.
			nrep.Figures = slices.DeleteFunc(nrep.Figures, func(f *bench.Figure) bool {
				return f.Skipped || strings.HasPrefix(f.Name, "bulk import") || strings.HasPrefix(f.Name, "topology memory")
			})
			if moved != nil {
				nrep.Figures = append([]*bench.Figure{moved}, nrep.Figures...)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "### embedded\n\n%s\n### neo4j\n\n%s", rep.Markdown(), nrep.Markdown())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Kind, "store", storeEmbedded, "store to measure: embedded or neo4j")
	f.StringVar(&cfg.DataDir, "data", "./bench-data", "directory of the benchmark store (kept for later runs)")
	f.StringVar(&cfg.Neo4jURI, "neo4j-uri", "", "Neo4j URI for --store neo4j")
	f.StringVar(&cfg.Neo4jUser, "neo4j-user", "neo4j", "Neo4j user")
	f.StringVar(&cfg.Neo4jPassword, "neo4j-password", "", "Neo4j password")
	f.IntVar(&units, "units", 1_000_000, "factory size in units (M = 1,000,000)")
	f.Uint64Var(&seed, "seed", 1, "factory seed")
	f.IntVar(&samples, "samples", 2000, "units and pallets sampled for latency figures")
	f.StringVar(&only, "only", "", "comma-separated subset: import,ingest,http,demo,postgres,recall,genealogy,explode,memory")
	f.BoolVar(&adoptStore, "adopt", false, "the store in --data already holds this factory (tracegraph generate | tracegraph import --bulk): take it as loaded, with the facts of a dry run of the generator, instead of loading it (the import row is then not measured)")
	f.IntVar(&clients, "ingest-clients", 16, "concurrent clients for the durable ingest figures")
	f.IntVar(&perClient, "ingest-events", 20_000, "events each ingest client sends")
	f.IntVar(&httpQueries, "http-queries", 3000, "genealogies the HTTP figure sends (three times as many { __typename })")
	f.IntVar(&demoN, "demo-units", demoUnits, "units of the demo factory serve --demo loads")
	f.StringVar(&pgDSN, "pg-dsn", os.Getenv("TRACEGRAPH_PG_DSN"), "PostgreSQL database for the recursive-CTE baseline (default $TRACEGRAPH_PG_DSN; scripts/pg-baseline-up.sh starts one)")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	f.StringVar(&profileDir, "profile-dir", "", "write a CPU profile of each row to this directory (ROW.cpu.pprof)")
	return cmd
}

// embeddedBench is b measuring the embedded store in dir.
func embeddedBench(b bench.Config, dir string) bench.Config {
	b.StoreDir, b.ScratchDir = dir, filepath.Dir(filepath.Clean(dir))
	b.Open = func(ctx context.Context, bulk bool) (tracegraph.Store, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		return embedded.Open(dir, embedded.Options{Bulk: bulk, WarmRecords: true}) // as served
	}
	b.OpenFresh = func(ctx context.Context) (tracegraph.Store, func(), error) {
		tmp, err := os.MkdirTemp(b.ScratchDir, "tracegraph-ingest-")
		if err != nil {
			return nil, nil, err
		}
		s, err := embedded.Open(tmp, embedded.Options{})
		if err != nil {
			os.RemoveAll(tmp)
			return nil, nil, err
		}
		return s, func() { s.Close(); os.RemoveAll(tmp) }, nil
	}
	return b
}

// neo4jBench is b measuring the Neo4j store of cfg, which holds the factory
// already (benchMigrate).
func neo4jBench(b bench.Config, cfg storeConfig) bench.Config {
	b.Open = func(ctx context.Context, _ bool) (tracegraph.Store, error) { return openStore(ctx, cfg) }
	// The embedded store's rows only: its import, its demo, its topology
	// exported to PostgreSQL.
	b.StoreDir, b.DemoStart, b.PostgresDSN = "", nil, ""
	b.OpenFresh = func(ctx context.Context) (tracegraph.Store, func(), error) {
		s, err := openStore(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	}
	// A site code of its own for every run: "N" and 5 base-36 digits of the time.
	b.IngestSite = fmt.Sprintf("N%05s", strings.ToUpper(strconv.FormatInt(time.Now().Unix()%60_466_176, 36)))
	return b
}

// benchMigrate copies the embedded benchmark store's log into Neo4j, timed,
// unless Neo4j holds it already (nil figure).
func benchMigrate(ctx context.Context, cfg storeConfig, log io.Writer) (*bench.Figure, error) {
	src, err := embedded.Open(cfg.DataDir, embedded.Options{})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	dst, err := cypher.Open(ctx, neo4jConfig(cfg))
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	srcSeq, _, err := src.Head(ctx)
	if err != nil {
		return nil, err
	}
	dstSeq, _, err := dst.Head(ctx)
	if err != nil {
		return nil, err
	}
	if dstSeq >= srcSeq && dstSeq > 0 {
		fmt.Fprintf(log, "Neo4j holds the factory already (%d events)\n", dstSeq)
		return nil, nil
	}
	start := time.Now()
	if err := migrate(ctx, src, dst, migrateBatch, io.Discard, log); err != nil {
		return nil, err
	}
	el := time.Since(start)
	n := srcSeq - dstSeq
	eps := float64(n) / el.Seconds()
	return &bench.Figure{Name: "bulk migrate from the embedded store (tracegraph migrate)",
		Value:  fmt.Sprintf("%.0f events/s (%d events in %s, batches of %d)", eps, n, el.Round(time.Millisecond), migrateBatch),
		Target: "(no target)", Met: true}, nil
}
