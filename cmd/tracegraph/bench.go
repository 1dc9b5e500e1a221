package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/bench"
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
	)
	cmd := &cobra.Command{
		Use:   "bench [flags]",
		Short: "Measure tracegraph against its performance targets on a generated factory",
		Long: `bench generates the reference factory (--units, --seed) into the store in
--data (once: a later run with the same size reuses it), then measures every
target of PERFORMANCE.md and prints each figure beside its target as a
Markdown table: bulk import, durable ingest (in a fresh temporary store),
upstream genealogy, recall with the full rollup, pallet explode and the memory
of the topology. Run it on a quiet machine; figures vary with load.

With --store neo4j it measures a Neo4j server instead (loading through the
normal write path, which takes much longer than the embedded bulk load).`,
		Example: `  tracegraph bench --units 1000000 --data /var/tmp/tracegraph-bench-M
  tracegraph bench --units 100000 --only genealogy,recall`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log := cmd.ErrOrStderr()
			b := bench.Config{Units: units, Seed: seed, Samples: samples, Log: log,
				FactsFile: filepath.Join(cfg.DataDir, "bench-facts.json"), IngestClients: clients, IngestEvents: perClient}
			if only != "" {
				b.Only = strings.Split(only, ",")
			}
			b.Open = func(ctx context.Context, bulk bool) (tracegraph.Store, error) {
				if cfg.Kind == storeNeo4j {
					return openStore(ctx, cfg)
				}
				if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
					return nil, err
				}
				return embedded.Open(cfg.DataDir, embedded.Options{Bulk: bulk})
			}
			b.OpenFresh = func(ctx context.Context) (tracegraph.Store, func(), error) {
				dir, err := os.MkdirTemp(filepath.Dir(filepath.Clean(cfg.DataDir)), "tracegraph-ingest-")
				if err != nil {
					return nil, nil, err
				}
				s, err := embedded.Open(dir, embedded.Options{})
				if err != nil {
					os.RemoveAll(dir)
					return nil, nil, err
				}
				return s, func() { s.Close(); os.RemoveAll(dir) }, nil
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
			rep, err := bench.Run(ctx, b)
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), rep.Markdown())
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
	f.StringVar(&only, "only", "", "comma-separated subset: memory,genealogy,recall,explode,ingest")
	f.IntVar(&clients, "ingest-clients", 1, "concurrent clients for the durable ingest figure")
	f.IntVar(&perClient, "ingest-events", 200_000, "events each ingest client sends")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	return cmd
}
