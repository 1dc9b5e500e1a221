// Package backup is the on-disk form of a tracegraph backup and the file
// handling that makes it safe: a backup is a directory holding the store's
// files under store/ and, written last, manifest.json, which names the event
// log head the copy holds and every file with its size and SHA-256. A
// directory is only ever seen complete: it is staged beside its final name,
// every file and directory is synced, the manifest goes in last, and one
// rename publishes it. A backup cut short (a crash, SIGKILL, a dropped
// connection) leaves a staging directory without a manifest, never a
// directory at the final name.
//
// The package knows files, not stores: embedded.Store.Backup fills the
// staging directory, the server streams a backup as a tar archive
// (WriteTar), the command line receives one (ReadTar) and restores one.
// Standard library only.
package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Names inside a backup directory.
const (
	// ManifestName is the manifest's file name; it is written last.
	ManifestName = "manifest.json"
	// StoreDir is the directory of the store's files.
	StoreDir = "store"
	// Format names this layout in Manifest.Format.
	Format = "tracegraph-backup/1"
)

// Manifest describes a complete backup.
type Manifest struct {
	// Format is always Format.
	Format string `json:"format"`
	// Store is the kind of store the files are ("embedded").
	Store string `json:"store"`
	// CreatedAt is when the copy was taken.
	CreatedAt time.Time `json:"createdAt"`
	// Version is the tracegraph version that took it.
	Version string `json:"version,omitempty"`
	// HeadSeq and HeadHash are the event log head the copy holds: a restore
	// is the same store when its verified head equals them.
	HeadSeq  uint64 `json:"headSeq"`
	HeadHash string `json:"headHash"`
	// Verified reports that the copy passed the store's full verification
	// (hash chain and graph against the log) before the manifest was written.
	Verified bool `json:"verified"`
	// Files are the store's files, relative to the backup directory
	// (slash-separated, under StoreDir), sorted by path.
	Files []File `json:"files"`
}

// File is one file of a backup.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Stage creates an empty staging directory beside final (in final's parent,
// so that the last step is a rename) and returns its path. It refuses when
// final already exists. The caller removes the staging directory if it does
// not Publish it.
func Stage(final string) (string, error) {
	if _, err := os.Lstat(final); err == nil {
		return "", fmt.Errorf("backup: %s already exists; choose a new name", final)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("backup: %w", err)
	}
	parent := filepath.Dir(filepath.Clean(final))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	dir, err := os.MkdirTemp(parent, "."+filepath.Base(final)+".partial-")
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	return dir, nil
}

// Publish completes a staged backup: it lists and hashes the files under
// dir/StoreDir into m.Files, syncs them, writes the manifest last, syncs it
// and the directories, and renames dir to final.
func Publish(dir, final string, m *Manifest) error {
	files, err := hashTree(dir, true)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	m.Format, m.Files = Format, files
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := writeFileSync(filepath.Join(dir, ManifestName), append(b, '\n')); err != nil {
		return fmt.Errorf("backup: write manifest: %w", err)
	}
	return publishDir(dir, final)
}

// publishDir syncs dir and renames it to final, then syncs final's parent.
func publishDir(dir, final string) error {
	if err := syncPath(dir); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(dir, final); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncPath(filepath.Dir(filepath.Clean(final))); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// hashTree hashes every regular file under dir/StoreDir, sorted by path;
// with sync it also syncs them and their directories.
func hashTree(dir string, sync bool) ([]File, error) {
	var files []File
	root := filepath.Join(dir, StoreDir)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if sync {
				return syncPath(p)
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return err
		}
		if sync {
			if err := f.Sync(); err != nil {
				return err
			}
		}
		files = append(files, File{Path: filepath.ToSlash(rel), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// ReadManifest reads the manifest of the backup in dir. A directory without
// one is not a complete backup.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: it is not a complete backup", dir, ManifestName)
	}
	if err != nil {
		return nil, err
	}
	return parseManifest(b)
}

func parseManifest(b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestName, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: format %q is not %q", ManifestName, m.Format, Format)
	}
	for _, f := range m.Files {
		if !validPath(f.Path) {
			return nil, fmt.Errorf("%s: file %q is not a path under %s/", ManifestName, f.Path, StoreDir)
		}
	}
	return &m, nil
}

// validPath accepts a clean relative slash path under StoreDir.
func validPath(p string) bool {
	return strings.HasPrefix(p, StoreDir+"/") && path.Clean(p) == p && !strings.Contains(p, "..") && !strings.HasPrefix(p, "/")
}

// Check reads the backup in dir and checks every file against its manifest:
// present, the same size and hash, and no file the manifest does not name.
func Check(dir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	have, err := hashTree(dir, false)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", dir, err)
	}
	if err := sameFiles(m.Files, have); err != nil {
		return nil, fmt.Errorf("check %s: %w", dir, err)
	}
	return m, nil
}

// sameFiles compares the manifest's files with those found.
func sameFiles(want, have []File) error {
	got := make(map[string]File, len(have))
	for _, f := range have {
		got[f.Path] = f
	}
	for _, w := range want {
		g, ok := got[w.Path]
		switch {
		case !ok:
			return fmt.Errorf("%s is missing", w.Path)
		case g.Size != w.Size:
			return fmt.Errorf("%s has %d bytes, the manifest says %d", w.Path, g.Size, w.Size)
		case g.SHA256 != w.SHA256:
			return fmt.Errorf("%s does not match its SHA-256 in the manifest (damaged)", w.Path)
		}
		delete(got, w.Path)
	}
	for p := range got {
		return fmt.Errorf("%s is not in the manifest", p)
	}
	return nil
}

// CopyStore copies the checked backup's store files into the new directory
// dst (which must not exist), syncing each, and checks each copy's hash
// against the manifest as it goes.
func CopyStore(from string, m *Manifest, dst string) error {
	if err := os.Mkdir(dst, 0o755); err != nil {
		return err
	}
	for _, f := range m.Files {
		rel := strings.TrimPrefix(f.Path, StoreDir+"/")
		src, err := os.Open(filepath.Join(from, filepath.FromSlash(f.Path)))
		if err != nil {
			return err
		}
		err = writeChecked(filepath.Join(dst, filepath.FromSlash(rel)), src, f)
		src.Close()
		if err != nil {
			return err
		}
	}
	return syncTree(dst)
}

// writeChecked writes r to the new file p and checks its size and hash
// against f.
func writeChecked(p string, r io.Reader, f File) error {
	n, sum, err := writeSynced(p, r)
	if err != nil {
		return fmt.Errorf("write %s: %w", f.Path, err)
	}
	if n != f.Size || sum != f.SHA256 {
		return fmt.Errorf("%s: %d bytes that do not match the manifest's %d bytes and SHA-256 (damaged)", f.Path, n, f.Size)
	}
	return nil
}

// writeSynced writes r to the new file p (creating its directory), syncs it,
// and returns its size and SHA-256.
func writeSynced(p string, r io.Reader) (int64, string, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, "", err
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), r)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// syncTree syncs every directory under dir (files are synced as written).
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return syncPath(p)
	})
}

// EmptyOrMissing reports an error unless dir does not exist or is an empty
// directory: a restore never mixes with what is there.
func EmptyOrMissing(dir string) error {
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(ents) > 0:
		return fmt.Errorf("%s is not empty: restore into a new or empty directory", dir)
	}
	return nil
}

// Replace moves the complete directory staged to final, which must be
// missing or empty, and syncs final's parent.
func Replace(staged, final string) error {
	if err := EmptyOrMissing(final); err != nil {
		return err
	}
	if err := os.Remove(final); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return publishDir(staged, final)
}

func writeFileSync(p string, b []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncPath fsyncs a file or directory.
func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
