package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// progressEvery is how many events pass between two progress lines.
const progressEvery = 1 << 20

func newGenerateCmd() *cobra.Command {
	var (
		units   int
		seed    uint64
		start   string
		site    string
		summary bool
	)
	cmd := &cobra.Command{
		Use:   "generate --units N [--seed S] [--start RFC3339] [--site CODE]",
		Short: "Write the events of the reference factory as NDJSON",
		Long: `generate writes the shop-floor events of a synthetic electronics contract
manufacturer to standard output, one JSON event per line, ready for import.

--units counts every serialized unit made: PCBAs, sub-modules and finished
products (S = 10,000 for tests and demos, M = 1,000,000 for benchmarks, about
38 events per unit). The same --units, --seed, --start and --site give the
same bytes.

--site names the plant (1 to 8 characters of A-Z and 0-9, e.g. A or S2):
every serial, lot, container, work order, station, event id and number (IMEI,
MAC, SSCC) of the run then belongs to that site, so runs of different sites
can be imported into the same store, side by side or interleaved. Suppliers
and customers are shared. Without --site the output is unchanged.

Progress and a short summary go to standard error when it is a terminal;
--summary writes the full summary (counts and known facts such as a product
serial with its IMEI, a wafer batch and the units it reaches) as JSON to
standard error instead.`,
		Example: `  tracegraph generate --units 10000 > factory-s.ndjson
  tracegraph generate --units 1000000 --seed 7 --summary > m.ndjson 2> m-summary.json
  tracegraph generate --units 10000 --site A > a.ndjson; tracegraph generate --units 10000 --site S2 > s2.ndjson`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if units < 0 {
				return fmt.Errorf("--units %d must not be negative", units)
			}
			t0, err := time.Parse(time.RFC3339, start)
			if err != nil {
				return fmt.Errorf("--start %q is not RFC 3339 (e.g. 2026-01-05T06:00:00Z)", start)
			}
			stderr := cmd.ErrOrStderr()
			progress := isTerminal(stderr)
			w := factory.NewWriter(cmd.OutOrStdout())
			began := time.Now()
			var n int64
			emit := func(ev *tracegraph.Event) error {
				n++
				if progress && n%progressEvery == 0 {
					fmt.Fprintf(stderr, "\rgenerate: %.1fM events, %.0fk events/s ", float64(n)/1e6,
						float64(n)/time.Since(began).Seconds()/1e3)
				}
				return w.Write(ev)
			}
			sum, err := factory.Generate(cmd.Context(), factory.Config{Units: units, Seed: seed, Start: t0, Site: site}, emit)
			if err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return fmt.Errorf("write events: %w", err)
			}
			elapsed := time.Since(began)
			if progress && n >= progressEvery {
				fmt.Fprintln(stderr)
			}
			switch {
			case summary:
				b, err := json.MarshalIndent(sum, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(stderr, "%s\n", b)
			case progress:
				printSummary(stderr, sum, elapsed)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&units, "units", 0, "serialized units to make: PCBAs, modules and products (required)")
	f.Uint64Var(&seed, "seed", 1, "seed of the run: the same seed gives the same events")
	f.StringVar(&start, "start", factory.DefaultStart().Format(time.RFC3339), "time of the first event (RFC 3339)")
	f.StringVar(&site, "site", "", "site code (1-8 of A-Z, 0-9): keys and numbers unique to the site")
	f.BoolVar(&summary, "summary", false, "write the summary as JSON to standard error")
	_ = cmd.MarkFlagRequired("units")
	return cmd
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// printSummary writes a short human-readable summary of a run.
func printSummary(w io.Writer, s *factory.Summary, elapsed time.Duration) {
	fmt.Fprintf(w, "generated %d events for %d units (pcba %d, module %d, product %d) in %s, %.0fk events/s\n",
		s.Events, s.Units, s.UnitsByKind["pcba"], s.UnitsByKind["module"], s.UnitsByKind["product"],
		elapsed.Round(time.Millisecond), float64(s.Events)/elapsed.Seconds()/1e3)
	fmt.Fprintf(w, "  factory time %s to %s\n", s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339))
	types := make([]string, 0, len(s.EventsByType))
	for t := range s.EventsByType {
		types = append(types, string(t))
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(w, "  %-20s %d\n", t, s.EventsByType[tracegraph.EventType(t)])
	}
	fmt.Fprintf(w, "  lots %d, wafer batches %d, components %d, boxes %d, pallets %d, shipments %d\n",
		s.Lots, s.WaferBatches, s.Components, s.Boxes, s.Pallets, s.Shipments)
	fmt.Fprintf(w, "  products shipped %d, in house %d; reworked %d, scrapped %d\n",
		s.ProductsShipped, s.ProductsInHouse, s.Reworked, s.Scrapped)
	f := s.Facts
	fmt.Fprintf(w, "  shared part %s; wafer batch %s -> %d lots, %d units, %d products\n",
		f.SharedPartNumber, f.WaferBatch, f.WaferBatchLots, f.WaferBatchUnits, f.WaferBatchProducts)
	if f.Product != "" {
		fmt.Fprintf(w, "  product %s IMEI %s MAC %s in %s on %s shipped %s\n",
			f.Product, f.ProductIMEI, f.ProductMAC, f.ProductBox, f.ProductPallet, f.ProductShipment)
	}
}
