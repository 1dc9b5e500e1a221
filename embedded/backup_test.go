package embedded

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/backup"
)

// TestBackupWhileIngesting backs the store up while writers ingest, then
// restores the backup elsewhere: the restore verifies intact, its head is the
// manifest's, it holds every event acknowledged before the backup began and
// exactly the source's events up to its head (nothing half-written).
func TestBackupWhileIngesting(t *testing.T) {
	ctx := context.Background()
	src, _ := openTemp(t)
	mustApply(t, src, smallFactory(t)...)

	var (
		wg       sync.WaitGroup
		stop     = make(chan struct{})
		mu       sync.Mutex
		ackedMax uint64
	)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				var batch []*tracegraph.Event
				for i := range 10 {
					sn := fmt.Sprintf("W%d-%04d-%d", w, k, i)
					batch = append(batch, ev(t, "mk-"+sn, tracegraph.EventUnitCreated, 20, map[string]any{"serial": sn, "partNumber": "PCBA-1"}),
						ev(t, "use-"+sn, tracegraph.EventMaterialConsumed, 21, map[string]any{"unit": sn, "lot": "L2"}))
				}
				outs, err := src.Apply(ctx, batch, tracegraph.ApplyOptions{})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, o := range outs {
					ackedMax = max(ackedMax, o.Seq)
				}
				mu.Unlock()
			}
		}()
	}
	waitForHead(t, src, 300)
	mu.Lock()
	before := ackedMax
	mu.Unlock()
	to := filepath.Join(t.TempDir(), "backup-1")
	m, err := src.Backup(ctx, to)
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	waitForHead(t, src, m.HeadSeq+100) // the service went on ingesting
	close(stop)
	wg.Wait()

	if m.HeadSeq < before || !m.Verified || m.Store != StoreKind || len(m.Files) == 0 {
		t.Fatalf("manifest = head %d, verified %v, store %q, %d files; want a verified head at or after %d", m.HeadSeq, m.Verified, m.Store, len(m.Files), before)
	}
	if _, err := backup.Check(to); err != nil {
		t.Fatalf("Check(backup) = %v", err)
	}
	if ents, _ := filepath.Glob(filepath.Join(filepath.Dir(to), ".*partial*")); len(ents) > 0 {
		t.Errorf("staging directories left behind: %v", ents)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(ctx, to, restored); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	dst, err := Open(restored, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	seq, hash, _ := dst.Head(ctx)
	if seq != m.HeadSeq || hash != m.HeadHash {
		t.Fatalf("restored head = %d %s, manifest %d %s", seq, hash, m.HeadSeq, m.HeadHash)
	}
	rep, err := dst.Verify(ctx, tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("Verify(restored) = %+v, %v", rep, err)
	}
	want, _ := src.Events(ctx, 0, int(seq)+10)
	got, _ := dst.Events(ctx, 0, int(seq)+10)
	if len(got) != int(seq) || len(want) <= len(got) {
		t.Fatalf("restored %d events, head %d, source %d", len(got), seq, len(want))
	}
	for i := range got {
		if got[i].Hash != want[i].Hash {
			t.Fatalf("restored event %d hash %s, source %s", i+1, got[i].Hash, want[i].Hash)
		}
	}
}

func waitForHead(t *testing.T, s *Store, seq uint64) {
	t.Helper()
	ch := s.Changes(t.Context())
	for {
		if h, _, _ := s.Head(t.Context()); h >= seq {
			return
		}
		if _, ok := <-ch; !ok {
			t.Fatal("store closed")
		}
	}
}

// TestRestoreRefuses: a restore into a directory that is not empty, from a
// directory without a manifest, or from a damaged backup fails and leaves
// nothing behind.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	src, _ := openTemp(t)
	mustApply(t, src, smallFactory(t)...)
	to := filepath.Join(t.TempDir(), "b")
	m, err := src.Backup(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Backup(ctx, to); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("Backup to an existing directory = %v, want a refusal", err)
	}
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), []byte("x"), 0o644)
	damaged := filepath.Join(t.TempDir(), "damaged")
	if err := os.CopyFS(damaged, os.DirFS(to)); err != nil {
		t.Fatal(err)
	}
	big := m.Files[0]
	for _, f := range m.Files {
		if f.Size > big.Size {
			big = f
		}
	}
	victim := filepath.Join(damaged, filepath.FromSlash(big.Path))
	b, _ := os.ReadFile(victim)
	b[len(b)/2] ^= 0xff
	os.WriteFile(victim, b, 0o644)
	incomplete := t.TempDir()
	os.CopyFS(filepath.Join(incomplete, "store"), os.DirFS(filepath.Join(to, "store")))

	for _, tc := range []struct{ name, from, data, want string }{
		{"non-empty target", to, full, "not empty"},
		{"no manifest", incomplete, filepath.Join(t.TempDir(), "d1"), "not a complete backup"},
		{"damaged file", damaged, filepath.Join(t.TempDir(), "d2"), "damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Restore(ctx, tc.from, tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Restore = %v, want an error saying %q", err, tc.want)
			}
			if tc.data != full {
				if _, err := os.Stat(tc.data); err == nil {
					t.Errorf("Restore left %s behind", tc.data)
				}
			}
			if ents, _ := filepath.Glob(filepath.Join(filepath.Dir(tc.data), ".*restore*")); len(ents) > 0 {
				t.Errorf("staging left behind: %v", ents)
			}
		})
	}
}

// TestImportKeepsChain replays a store's log into an empty store in pieces
// (one overlapping, as a resumed import sends): every seq, recordedAt and
// hash is kept, the graph and indexes answer alike, and Verify passes. An
// altered event or another history is refused and writes nothing.
func TestImportKeepsChain(t *testing.T) {
	ctx := context.Background()
	src, _ := openTemp(t)
	mustApply(t, src, indexedFactory(t)...)
	log, _ := src.Events(ctx, 0, 1000)

	dst, _ := openTemp(t)
	for _, part := range [][]*tracegraph.Event{log[:7], log[4:12], log[12:]} {
		if _, err := dst.Import(ctx, part); err != nil {
			t.Fatalf("Import(%d..%d) = %v", part[0].Seq, part[len(part)-1].Seq, err)
		}
	}
	sh, shash, _ := src.Head(ctx)
	dh, dhash, _ := dst.Head(ctx)
	if sh != dh || shash != dhash {
		t.Fatalf("heads: source %d %s, import %d %s", sh, shash, dh, dhash)
	}
	got, _ := dst.Events(ctx, 0, 1000)
	for i := range log {
		if got[i].Hash != log[i].Hash || !got[i].RecordedAt.Equal(log[i].RecordedAt) {
			t.Fatalf("event %d: imported %s at %v, source %s at %v", i+1, got[i].Hash, got[i].RecordedAt, log[i].Hash, log[i].RecordedAt)
		}
	}
	if a, b := answers(t, src), answers(t, dst); a != b {
		t.Errorf("answers after import = %s, source %s", b, a)
	}
	if rep, err := dst.Verify(ctx, tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("Verify(imported) = %+v, %v", rep, err)
	}

	other, _ := openTemp(t)
	mustApply(t, other, ev(t, "w1", tracegraph.EventWaferRegistered, 0, map[string]any{"waferBatch": "OTHER"}))
	altered := *log[1]
	altered.Station = "FORGED"
	for _, tc := range []struct {
		name   string
		s      *Store
		events []*tracegraph.Event
	}{
		{"altered", func() *Store { s, _ := openTemp(t); return s }(), []*tracegraph.Event{log[0], &altered}},
		{"gap", func() *Store { s, _ := openTemp(t); return s }(), log[1:3]},
		{"other history", other, log[:3]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _, _ := tc.s.Head(ctx)
			n, err := tc.s.Import(ctx, tc.events)
			if tracegraph.ErrorCode(err) != tracegraph.CodeConflict || n != 0 {
				t.Fatalf("Import = %d, %v; want CONFLICT", n, err)
			}
			if after, _, _ := tc.s.Head(ctx); after != before {
				t.Errorf("head moved from %d to %d", before, after)
			}
		})
	}
}
