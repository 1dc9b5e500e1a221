package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/backup"
	"github.com/tracegraph/tracegraph/embedded"
)

func newBackupCmd() *cobra.Command {
	var dataDir, baseURL, token, to string
	cmd := &cobra.Command{
		Use:   "backup --to PATH (--url URL | --data DIR)",
		Short: "Take a consistent, verified backup of the embedded store, while it runs",
		Long: `backup copies the embedded store into the new directory PATH: a consistent
copy of one moment (the events committed then, their graph and the log head),
taken while the service runs and ingests. The copy is verified on its own
(hash chain, graph against the log) before its manifest, PATH/manifest.json,
names the head it holds and every file with its size and SHA-256. The
directory is staged beside PATH and renamed into place last, so a backup cut
short (killed, a dropped connection) never leaves a PATH that looks complete.

With --url it asks the running service (POST /api/v1/admin/backup; a token
with the write scope when the service requires one) and receives the backup
over HTTP. With --data it opens a stopped store directly (the service holds
the store open while it runs: use --url then).

Restore with tracegraph restore. For the Neo4j store, archive the event log
instead (tracegraph export-log) next to Neo4j's own backup.`,
		Example: `  tracegraph backup --url http://127.0.0.1:8080 --to /backups/tracegraph-$(date +%F)
  tracegraph backup --data /var/lib/tracegraph/data --to /backups/offline-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" {
				return errors.New("backup needs --to PATH (a new directory)")
			}
			var m *backup.Manifest
			var err error
			if baseURL != "" {
				m, err = backupRemote(cmd.Context(), baseURL, token, to)
			} else {
				m, err = backupLocal(cmd.Context(), dataDir, to)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup complete: %s, head %d %s, %d files, verified\n", to, m.HeadSeq, m.HeadHash, len(m.Files))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "the new directory to write the backup into")
	f.StringVar(&dataDir, "data", "./data", "embedded store directory (the service stopped)")
	f.StringVar(&baseURL, "url", "", "base URL of a running service (instead of --data), e.g. http://127.0.0.1:8080")
	f.StringVar(&token, "token", "", "bearer token for --url when the service requires one")
	return cmd
}

// backupLocal backs up the stopped store in dir.
func backupLocal(ctx context.Context, dir, to string) (*backup.Manifest, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no store in %s (--data): %w", dir, err)
	}
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		return nil, fmt.Errorf("open store in %s (is a service using it? then back up with --url): %w", dir, err)
	}
	defer s.Close()
	return s.Backup(ctx, to)
}

// backupRemote asks the service at baseURL for a backup and receives it.
func backupRemote(ctx context.Context, baseURL, token, to string) (*backup.Manifest, error) {
	if _, err := os.Lstat(to); err == nil {
		return nil, fmt.Errorf("backup: %s already exists; choose a new name", to)
	}
	resp, err := adminRequest(ctx, http.MethodPost, baseURL, "/api/v1/admin/backup", token)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	m, err := backup.ReadTar(resp.Body, to)
	if err != nil {
		return nil, err
	}
	if want := resp.Header.Get(api.HeaderBackupHead); want != fmt.Sprintf("%d %s", m.HeadSeq, m.HeadHash) {
		os.RemoveAll(to)
		return nil, fmt.Errorf("backup: the service announced head %q but sent %d %s", want, m.HeadSeq, m.HeadHash)
	}
	return m, nil
}

// adminRequest sends a request to an operators' endpoint of a running
// service and returns the response when it is 200; otherwise the service's
// error.
func adminRequest(ctx context.Context, method, baseURL, path, token string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(baseURL, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var body struct{ Error *tracegraph.Error }
	if json.Unmarshal(b, &body) == nil && body.Error != nil {
		return nil, fmt.Errorf("%s %s: %s (%s)", method, path, body.Error.Message, body.Error.Code)
	}
	return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
}

func newRestoreCmd() *cobra.Command {
	var from, dataDir string
	cmd := &cobra.Command{
		Use:   "restore --from PATH --data DIR",
		Short: "Restore a backup into a new store directory and prove it is the same store",
		Long: `restore copies the backup in PATH into DIR, which must not exist or be empty:
every file is checked against the manifest's size and SHA-256 as it is
copied, the copy is opened and fully verified (hash chain, graph against the
log), and its head must equal the manifest's; only then is it moved to DIR.
Start the service on DIR afterwards; tracegraph verify --data DIR reports the
same head.`,
		Example: `  tracegraph restore --from /backups/tracegraph-2026-03-01 --data /var/lib/tracegraph/data`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" || dataDir == "" {
				return errors.New("restore needs --from PATH (a backup) and --data DIR (a new or empty directory)")
			}
			m, err := embedded.Restore(cmd.Context(), from, dataDir)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %s into %s: intact, head %d %s (the manifest's)\n", from, dataDir, m.HeadSeq, m.HeadHash)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "the backup directory (made by tracegraph backup)")
	f.StringVar(&dataDir, "data", "", "the new or empty directory to restore the store into")
	return cmd
}
