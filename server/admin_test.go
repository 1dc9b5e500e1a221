package server_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/backup"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

// TestAdminBackup: POST /api/v1/admin/backup streams a verified backup of
// the running store, manifest last; received and restored, it is the same
// store. It needs the admin role when tokens are required.
func TestAdminBackup(t *testing.T) {
	ts := start(t, func(c *server.Config) {
		c.Auth = server.AuthConfig{HS256Secret: []byte(testSecret)}
		c.BackupDir = t.TempDir()
	})
	write := hs(t, claims("ada", "admin"))
	if status, resp := ts.postEvents(t, scenario(t), "application/x-ndjson", "", write); status != http.StatusOK {
		t.Fatalf("scenario: %d %+v", status, resp)
	}
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"a quality engineer", hs(t, claims("quinn", "quality")), http.StatusForbidden},
	} {
		if status, _, body := ts.do(t, http.MethodPost, "/api/v1/admin/backup", "", tc.token, nil); status != tc.want {
			t.Errorf("%s: POST /api/v1/admin/backup = %d %s, want %d", tc.name, status, body, tc.want)
		}
	}
	status, hdr, body := ts.do(t, http.MethodPost, "/api/v1/admin/backup", "", write, nil)
	if status != http.StatusOK || hdr.Get("Content-Type") != backup.ContentType {
		t.Fatalf("POST /api/v1/admin/backup = %d %s %.200s", status, hdr.Get("Content-Type"), body)
	}
	to := filepath.Join(t.TempDir(), "b")
	m, err := backup.ReadTar(bytes.NewReader(body), to)
	if err != nil {
		t.Fatalf("ReadTar: %v", err)
	}
	seq, hash, _ := ts.Store.Head(context.Background())
	if m.HeadSeq != seq || m.HeadHash != hash || hdr.Get(api.HeaderBackupHead) != fmt.Sprintf("%d %s", seq, hash) {
		t.Fatalf("backup head %d %s (header %q), store %d %s", m.HeadSeq, m.HeadHash, hdr.Get(api.HeaderBackupHead), seq, hash)
	}
	data := filepath.Join(t.TempDir(), "restored")
	if _, err := embedded.Restore(context.Background(), to, data); err != nil {
		t.Fatalf("Restore: %v", err)
	}

	// Cut short: an archive without its manifest is refused, nothing left.
	cut := filepath.Join(t.TempDir(), "cut")
	if _, err := backup.ReadTar(bytes.NewReader(body[:len(body)*2/3]), cut); err == nil {
		t.Fatal("ReadTar of a truncated archive: no error")
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(cut), "*")); len(m) > 0 {
		t.Errorf("a truncated archive left %v", m)
	}
}

// TestAdminLog: GET /api/v1/admin/log?after=N answers the events after N as
// recorded, closed by the X-Log-Head trailer; replayed with Import into an
// empty store, the whole log gives the same head.
func TestAdminLog(t *testing.T) {
	ts := startScenario(t, nil)
	ctx := context.Background()
	seq, hash, _ := ts.Store.Head(ctx)

	resp, err := http.Get(ts.URL + "/api/v1/admin/log?after=30")
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		ev, err := tracegraph.DecodeRecordLine(sc.Bytes())
		if err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		seqs = append(seqs, ev.Seq)
	}
	resp.Body.Close()
	if fmt.Sprint(seqs) != fmt.Sprint([]uint64{31, 32, 33, 34}) || resp.Trailer.Get("X-Log-Head") != "34" || seq != 34 {
		t.Fatalf("log after 30 = %v, trailer %q, want 31..34 and 34", seqs, resp.Trailer.Get("X-Log-Head"))
	}
	if status, _, body := ts.do(t, http.MethodGet, "/api/v1/admin/log?after=x", "", "", nil); status != http.StatusBadRequest || !strings.Contains(string(body), `"field":"after"`) {
		t.Errorf("after=x: %d %s, want 400 naming after", status, body)
	}

	_, _, body := ts.do(t, http.MethodGet, "/api/v1/admin/log", "", "", nil)
	dst, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var evs []*tracegraph.Event
	for _, line := range bytes.Split(bytes.TrimSpace(body), []byte("\n")) {
		ev, err := tracegraph.DecodeRecordLine(line)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if _, err := dst.Import(ctx, evs); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if s, h, _ := dst.Head(ctx); s != seq || h != hash {
		t.Errorf("replayed head %d %s, want %d %s", s, h, seq, hash)
	}
}
