package embedded

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/backup"
	"github.com/tracegraph/tracegraph/version"
)

// StoreKind names the embedded store in backup manifests.
const StoreKind = "embedded"

// Backup writes a consistent copy of the store into the new directory to
// while the store serves and ingests: a Pebble checkpoint (sstables
// hard-linked where the file system allows, the write-ahead log copied), so
// the copy holds exactly the events committed at one moment, their graph
// and the head, never half a batch. The copy is then opened on its own and
// fully verified (hash chain, graph against the log) before its manifest,
// naming the verified head, is written and the directory published (see
// package backup): a backup cut short leaves no directory at to. It needs
// memory for a second topology and a verify replay while it runs.
func (s *Store) Backup(ctx context.Context, to string) (m *backup.Manifest, err error) {
	dir, err := backup.Stage(to)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	created := s.opts.Clock().UTC()
	if err := s.checkpoint(filepath.Join(dir, backup.StoreDir)); err != nil {
		return nil, err
	}
	seq, hash, err := verifyCopy(ctx, filepath.Join(dir, backup.StoreDir))
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	m = &backup.Manifest{Store: StoreKind, CreatedAt: created, Version: version.Get().String(),
		HeadSeq: seq, HeadHash: hash, Verified: true}
	if err := backup.Publish(dir, to, m); err != nil {
		return nil, err
	}
	return m, nil
}

// checkpoint writes the Pebble checkpoint into dir (which must not exist).
func (s *Store) checkpoint(dir string) error {
	s.applyMu.RLock() // Close waits for the checkpoint
	defer s.applyMu.RUnlock()
	if s.closed {
		return errClosed
	}
	if s.opts.Bulk {
		// No write-ahead log: what is only in the memtable must reach
		// sstables to be in the checkpoint.
		if err := s.db.Flush(); err != nil {
			return fmt.Errorf("backup: flush: %w", err)
		}
	}
	if err := s.db.Checkpoint(dir, pebble.WithFlushedWAL()); err != nil {
		return fmt.Errorf("backup: checkpoint: %w", err)
	}
	return nil
}

// verifyCopy opens the store copy in dir, verifies it fully and returns its
// head; a copy with any finding is an error.
func verifyCopy(ctx context.Context, dir string) (uint64, string, error) {
	c, err := Open(dir, Options{CacheBytes: 32 << 20, MemTableBytes: 16 << 20, NodeCacheEntries: -1})
	if err != nil {
		return 0, "", fmt.Errorf("open the copy: %w", err)
	}
	defer c.Close()
	rep, err := c.Verify(ctx, tracegraph.VerifyOptions{})
	if err != nil {
		return 0, "", fmt.Errorf("verify the copy: %w", err)
	}
	if !rep.OK() {
		return 0, "", fmt.Errorf("the copy is not intact: %d problems, the first: %s", len(rep.Problems), rep.Problems[0])
	}
	seq, hash, err := c.Head(ctx)
	if err != nil {
		return 0, "", err
	}
	if seq != rep.Events || hash != rep.HeadHash {
		return 0, "", fmt.Errorf("the copy's head %d %.12s… is not the head verified, %d %.12s…", seq, hash, rep.Events, rep.HeadHash)
	}
	return seq, hash, c.Close()
}

// Restore restores the backup in from (made by Backup) into dataDir, which
// must not exist or be empty: it copies every file, checking each against
// the manifest's size and SHA-256, into a directory staged beside dataDir,
// opens and fully verifies the copy, checks that its head is the
// manifest's, and only then moves it to dataDir. It returns the manifest.
func Restore(ctx context.Context, from, dataDir string) (m *backup.Manifest, err error) {
	m, err = backup.ReadManifest(from)
	if err != nil {
		return nil, err
	}
	if m.Store != StoreKind {
		return nil, fmt.Errorf("restore: %s holds a %q store, not an %s one", from, m.Store, StoreKind)
	}
	if err := backup.EmptyOrMissing(dataDir); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	parent := filepath.Dir(filepath.Clean(dataDir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dataDir)+".restore-")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	staged := filepath.Join(tmp, backup.StoreDir)
	if err := backup.CopyStore(from, m, staged); err != nil {
		return nil, fmt.Errorf("restore from %s: %w", from, err)
	}
	seq, hash, err := verifyCopy(ctx, staged)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if seq != m.HeadSeq || hash != m.HeadHash {
		return nil, fmt.Errorf("restore: the restored head %d %.12s… is not the manifest's %d %.12s…", seq, hash, m.HeadSeq, m.HeadHash)
	}
	if err := backup.Replace(staged, dataDir); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	return m, nil
}
