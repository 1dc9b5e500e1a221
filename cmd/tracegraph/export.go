package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/report"
)

// exportFlags maps the export command's flags to the parameters of a
// report.Query (the query parameters of GET /api/v1/export/{kind}):
// report.Query.Set reads both.
var exportFlags = []struct{ flag, param, usage string }{
	{"part-number", "partNumber", "material: part number"},
	{"mpn", "mpn", "material: manufacturer part number"},
	{"manufacturer", "manufacturer", "material: manufacturer"},
	{"supplier", "supplier", "material: supplier"},
	{"country-of-origin", "countryOfOrigin", "material: country of origin (lots)"},
	{"date-code-from", "dateCodeFrom", "material: first date code, YYWW"},
	{"date-code-to", "dateCodeTo", "material: last date code, YYWW"},
	{"as-of", "asOf", "recall, where-used: the structure at this moment (RFC 3339; default now)"},
	{"history", "history", "recall, where-used: every link that ever existed (true/false)"},
	{"evidence", "evidence", "recall, where-used: each unit's evidence (true/false; default true)"},
	{"shipped-from", "shippedFrom", "where-used: units shipped at or after this (RFC 3339)"},
	{"shipped-to", "shippedTo", "where-used: units shipped before this (RFC 3339)"},
	{"station", "station", "process: station"},
	{"recipe", "recipe", "process: recipe"},
	{"step", "step", "process: step"},
	{"parameter", "parameter", "process: a numeric parameter outside [min, max]"},
	{"min", "min", "process: the parameter's lower bound"},
	{"max", "max", "process: the parameter's upper bound"},
	{"test-type", "testType", "test: test type (ICT, FCT, ...)"},
	{"measurement", "measurement", "test: a measurement of the test type"},
	{"within-percent", "withinPercent", "test: the measurement came within this % of a limit"},
	{"failed", "failed", "test: the measurement failed (true/false)"},
	{"firmware-version", "firmwareVersion", "test: firmware version"},
	{"firmware-checksum", "firmwareChecksum", "test: firmware checksum"},
	{"from", "from", "process, test: records at or after this (RFC 3339)"},
	{"to", "to", "process, test: records before this (RFC 3339)"},
}

func newExportCmd() *cobra.Command {
	var (
		dataDir, baseURL, token, format string
		suspects                        []string
	)
	values := map[string]*string{}
	cmd := &cobra.Command{
		Use:   "export recall|where-used|process|test [flags]",
		Short: "Write a recall, where-used, process or test report as CSV or NDJSON to stdout",
		Long: `export writes one row per unit of an analyst's report to standard output, as
CSV (with a header row) or NDJSON, streamed: a million-row answer is never held
in memory.

  recall      the units suspect material reaches (--suspect, repeated, and/or a
              material description), confirmed and possible, with each unit's
              evidence: the links from the suspect to it
  where-used  the units built with material matching a description, optionally
              only those shipped in [--shipped-from, --shipped-to)
  process     the units with a process record of a station, recipe or step,
              optionally with --parameter outside [--min, --max]
  test        the units with a test record: a measurement within
              --within-percent of its limits or --failed, and/or a firmware
              version or checksum

Columns: unit, serial, partNumber, workOrder, status, onHold, then for recall
and where-used precision, confirmed, depth, then shipment, customer, and
evidence.

By default export reads the embedded store in --data (stop the service first,
or use --url to ask a running service: GET /api/v1/export/{kind}).`,
		Example: `  tracegraph export recall --suspect WaferBatch:WCR3-000001 > recall.csv
  tracegraph export recall --supplier MURATA --date-code-from 2550 --date-code-to 2602 --format ndjson
  tracegraph export where-used --mpn STM32G0B1 --shipped-from 2026-01-01T00:00:00Z --url http://127.0.0.1:8080
  tracegraph export test --test-type FCT --measurement VCC_3V3 --within-percent 5
  tracegraph export process --station REFLOW-2 --parameter peakC --min 235 --max 255`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: report.Kinds(),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := report.New(args[0])
			if err != nil {
				return flagError(err)
			}
			if err := q.Set("format", format); err != nil {
				return flagError(err)
			}
			for _, s := range suspects {
				if err := q.Set("suspect", s); err != nil {
					return flagError(err)
				}
			}
			for _, f := range exportFlags {
				if cmd.Flags().Changed(f.flag) {
					if err := q.Set(f.param, *values[f.flag]); err != nil {
						return flagError(err)
					}
				}
			}
			if err := q.Validate(); err != nil {
				return flagError(err)
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			if baseURL != "" {
				err = exportRemote(cmd.Context(), out, baseURL, token, q)
			} else {
				err = exportLocal(cmd.Context(), out, dataDir, q)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", "./data", "embedded store directory")
	f.StringVar(&baseURL, "url", "", "base URL of a running service (instead of --data), e.g. http://127.0.0.1:8080")
	f.StringVar(&token, "token", "", "bearer token for --url when the service requires one")
	f.StringVar(&format, "format", report.CSV, "csv or ndjson")
	f.StringArrayVar(&suspects, "suspect", nil, "recall: a suspect lot, wafer batch, component or unit (global ID; repeat for more)")
	for _, e := range exportFlags {
		values[e.flag] = f.String(e.flag, "", e.usage)
	}
	return cmd
}

// exportLocal writes the report from the embedded store in dir.
func exportLocal(ctx context.Context, w io.Writer, dir string, q *report.Query) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("no store in %s (--data): %w", dir, err)
	}
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		return fmt.Errorf("open store in %s (is a service using it? then export with --url): %w", dir, err)
	}
	defer s.Close()
	if _, err := q.Write(ctx, s, w); err != nil {
		return fmt.Errorf("export %s: %w", q.Kind, err)
	}
	return nil
}

// exportRemote copies the report of a running service to w.
func exportRemote(ctx context.Context, w io.Writer, baseURL, token string, q *report.Query) error {
	kind := q.Kind
	u := strings.TrimRight(baseURL, "/") + "/api/v1/export/" + url.PathEscape(kind) + "?" + q.Values().Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var body struct{ Error *tracegraph.Error }
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if json.Unmarshal(b, &body) == nil && body.Error != nil {
			return flagError(body.Error)
		}
		return fmt.Errorf("export %s: %s: %s", kind, resp.Status, strings.TrimSpace(string(b)))
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("export %s: the answer was cut short: %w", kind, err)
	}
	if resp.Trailer.Get(api.HeaderExportRows) == "" {
		return fmt.Errorf("export %s: the answer was cut short (no X-Export-Rows trailer)", kind)
	}
	return nil
}

// flagError names the flag of a parameter error (the service names the
// query parameter, e.g. dateCodeFrom for --date-code-from).
func flagError(err error) error {
	e := tracegraph.AsError(err)
	field := strings.TrimPrefix(e.Field, "material.")
	for _, f := range exportFlags {
		if field == f.param {
			return fmt.Errorf("--%s: %s (%s)", f.flag, e.Message, e.Code)
		}
	}
	if e.Field == "suspects" || e.Field == "suspect" {
		return fmt.Errorf("--suspect: %s (%s)", e.Message, e.Code)
	}
	return fmt.Errorf("%s (%s)", e.Message, e.Code)
}
