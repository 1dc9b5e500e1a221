package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/embedded"
)

func newContainCmd() *cobra.Command {
	var (
		dataDir, baseURL, token, reason, containment, release string
		suspects                                              []string
		m                                                     api.MaterialBody
	)
	cmd := &cobra.Command{
		Use:   "contain (--suspect ID... | material flags) --reason TEXT | --release CONTAINMENT --reason TEXT",
		Short: "Put a recall on hold in one action, or release it",
		Long: `contain puts the suspect material (the suspects that are lots, components or
wafer batches, and the material the flags describe) and every affected unit
still in the house on hold: one hold.placed event each. Shipping anything that
holds a held unit is then refused (ON_HOLD). It prints the result as JSON,
with the containment's id.

The same request sent again is the same containment and holds nothing twice
(--containment names it; by default the id derives from the suspects, the
material and the reason). --release CONTAINMENT releases every hold it placed
that is still in force; targets that also carry someone else's hold stay held
and are listed.

It is the same action as the GraphQL mutation contain and POST
/api/v1/containments: by default on the embedded store in --data (stop the
service first), or on a running service with --url.`,
		Example: `  tracegraph contain --suspect WaferBatch:WCR3-000001 --reason "ST notice 2026-04"
  tracegraph contain --mpn STM32G0B1 --date-code-from 2550 --date-code-to 2602 --reason "PCN 17" --url http://127.0.0.1:8080
  tracegraph contain --release C-0ed84077ac248a60 --reason "notice withdrawn"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var path string
			var body any
			if release != "" {
				if len(suspects) > 0 || m != (api.MaterialBody{}) || containment != "" {
					return fmt.Errorf("--release takes only --reason")
				}
				path, body = "/api/v1/containments/"+url.PathEscape(release)+"/release", api.ReleaseBody{Reason: reason}
			} else {
				cb := api.ContainBody{Reason: reason, Containment: containment, Suspects: []tracegraph.ID{}}
				for _, s := range suspects {
					cb.Suspects = append(cb.Suspects, tracegraph.ID(s))
				}
				if m != (api.MaterialBody{}) {
					cb.Material = &m
				}
				path, body = "/api/v1/containments", cb
			}
			var res any
			var err error
			if baseURL != "" {
				res, err = containRemote(cmd.Context(), baseURL, token, path, body)
			} else {
				res, err = containLocal(cmd.Context(), dataDir, release, body)
			}
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", "./data", "embedded store directory")
	f.StringVar(&baseURL, "url", "", "base URL of a running service (instead of --data)")
	f.StringVar(&token, "token", "", "bearer token for --url (needs the write scope)")
	f.StringArrayVar(&suspects, "suspect", nil, "a suspect lot, wafer batch, component or unit (global ID; repeat for more)")
	f.StringVar(&reason, "reason", "", "why (recorded on every hold or release; required)")
	f.StringVar(&containment, "containment", "", "the containment's id (default: derived from the request)")
	f.StringVar(&release, "release", "", "release the holds of this containment instead")
	f.StringVar(&m.PartNumber, "part-number", "", "material: part number")
	f.StringVar(&m.MPN, "mpn", "", "material: manufacturer part number")
	f.StringVar(&m.Manufacturer, "manufacturer", "", "material: manufacturer")
	f.StringVar(&m.Supplier, "supplier", "", "material: supplier")
	f.StringVar(&m.CountryOfOrigin, "country-of-origin", "", "material: country of origin (lots)")
	f.StringVar(&m.DateCodeFrom, "date-code-from", "", "material: first date code, YYWW")
	f.StringVar(&m.DateCodeTo, "date-code-to", "", "material: last date code, YYWW")
	return cmd
}

// containLocal runs tracegraph.Contain or ReleaseContainment on the
// embedded store in dir.
func containLocal(ctx context.Context, dir, release string, body any) (any, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no store in %s (--data): %w", dir, err)
	}
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		return nil, fmt.Errorf("open store in %s (is a service using it? then use --url): %w", dir, err)
	}
	defer s.Close()
	now := time.Now().UTC()
	var res any
	if release != "" {
		res, err = tracegraph.ReleaseContainment(ctx, s, release, body.(api.ReleaseBody).Reason, "", now)
	} else {
		res, err = tracegraph.Contain(ctx, s, body.(api.ContainBody).Request(now, ""))
	}
	if err != nil {
		e := tracegraph.AsError(err)
		if e.Code == tracegraph.CodeInternal {
			return nil, err
		}
		return nil, fmt.Errorf("%s (%s)", e.Error(), e.Code)
	}
	return res, nil
}

// containRemote posts the request to a running service.
func containRemote(ctx context.Context, baseURL, token, path string, body any) (any, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(baseURL, "/")+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("contain: %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("contain: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error *tracegraph.Error }
		if json.Unmarshal(out, &e) == nil && e.Error != nil {
			return nil, fmt.Errorf("%s (%s)", e.Error.Error(), e.Error.Code)
		}
		return nil, fmt.Errorf("contain: %s: %s", resp.Status, strings.TrimSpace(string(out)))
	}
	return json.RawMessage(out), nil
}
