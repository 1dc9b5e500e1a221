package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph/version"
)

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version [--json]",
		Short: "Print the version, VCS revision and build time of this binary",
		Long: `version prints the module version (the release tag, or a pseudo-version or
(devel) for other builds), the VCS revision and commit time and the Go
toolchain, as recorded in the binary when it was built. The running service
reports the same in /healthz and the tracegraph_build_info metric.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := version.Get()
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(in)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "tracegraph %s\n", in)
			fmt.Fprintf(cmd.OutOrStdout(), "module %s\nrevision %s\ntime %s\nmodified %v\ngo %s\n",
				in.Module, orNone(in.Revision), orNone(in.Time), in.Modified, in.GoVersion)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func newHealthcheckCmd() *cobra.Command {
	var addr string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck [--addr HOST:PORT]",
		Short: "Exit 0 when the service on --addr answers /healthz (for container health checks)",
		Long: `healthcheck GETs http://ADDR/healthz and exits 0 when the service answers 200,
1 otherwise: the container image's HEALTHCHECK, which has no shell or wget.
--addr is the service's (TRACEGRAPH_ADDR); a wildcard host (0.0.0.0, ::) is
asked on the loopback address.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return healthcheck(cmd.Context(), cmd.OutOrStdout(), addr, timeout)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "the service's address, HOST:PORT")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "how long to wait for the answer")
	return cmd
}

// healthcheck asks the service at addr for /healthz.
func healthcheck(ctx context.Context, out io.Writer, addr string, timeout time.Duration) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q is not HOST:PORT", addr)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s: %s", u, resp.Status, b)
	}
	fmt.Fprintf(out, "%s", b)
	return nil
}
