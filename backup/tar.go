package backup

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ContentType is the media type of a backup streamed as a tar archive.
const ContentType = "application/x-tar"

// maxManifestBytes bounds the manifest a receiver reads.
const maxManifestBytes = 64 << 20

// WriteTar streams the complete backup in dir as a tar archive: the files
// the manifest names, in its order, then the manifest itself, last, so
// that an archive cut short has no manifest.
func WriteTar(w io.Writer, dir string, m *Manifest) error {
	tw := tar.NewWriter(w)
	for _, f := range m.Files {
		if err := tarFile(tw, filepath.Join(dir, filepath.FromSlash(f.Path)), f); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg,
		ModTime: m.CreatedAt}); err != nil {
		return err
	}
	if _, err := tw.Write(b); err != nil {
		return err
	}
	return tw.Close()
}

func tarFile(tw *tar.Writer, p string, f File) error {
	src, err := os.Open(p)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := tw.WriteHeader(&tar.Header{Name: f.Path, Mode: 0o644, Size: f.Size, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, src, f.Size); err != nil {
		return fmt.Errorf("send %s: %w", f.Path, err)
	}
	return nil
}

// ReadTar receives a backup archive written by WriteTar into the new
// directory final: it stages the files beside it, checks each against the
// manifest that ends the archive, syncs them and publishes the directory.
// An archive cut short or damaged leaves nothing at final.
func ReadTar(r io.Reader, final string) (m *Manifest, err error) {
	dir, err := Stage(final)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	tr := tar.NewReader(r)
	var got []File
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("receive backup: %w", err)
		}
		if m != nil {
			return nil, fmt.Errorf("receive backup: %s follows the manifest", h.Name)
		}
		switch {
		case h.Name == ManifestName:
			b, err := io.ReadAll(io.LimitReader(tr, maxManifestBytes))
			if err != nil {
				return nil, fmt.Errorf("receive backup: %w", err)
			}
			if m, err = parseManifest(b); err != nil {
				return nil, fmt.Errorf("receive backup: %w", err)
			}
			if err := sameFiles(m.Files, got); err != nil {
				return nil, fmt.Errorf("receive backup: %w", err)
			}
			if err := writeFileSync(filepath.Join(dir, ManifestName), b); err != nil {
				return nil, err
			}
		case h.Typeflag == tar.TypeReg && validPath(h.Name):
			f, err := receiveFile(tr, dir, h.Name)
			if err != nil {
				return nil, err
			}
			got = append(got, f)
		default:
			return nil, fmt.Errorf("receive backup: unexpected entry %q", h.Name)
		}
	}
	if m == nil {
		return nil, errors.New("receive backup: the archive ended before its manifest: the backup is incomplete")
	}
	if err := syncTree(dir); err != nil {
		return nil, err
	}
	if err := publishDir(dir, final); err != nil {
		return nil, err
	}
	return m, nil
}

// receiveFile writes one archive entry under dir, synced, and returns its
// size and hash.
func receiveFile(r io.Reader, dir, name string) (File, error) {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if !strings.HasPrefix(p, filepath.Join(dir, StoreDir)+string(filepath.Separator)) {
		return File{}, fmt.Errorf("receive backup: entry %q is outside the backup", name)
	}
	n, sum, err := writeSynced(p, r)
	if err != nil {
		return File{}, fmt.Errorf("receive backup: %s: %w", name, err)
	}
	return File{Path: name, Size: n, SHA256: sum}, nil
}
