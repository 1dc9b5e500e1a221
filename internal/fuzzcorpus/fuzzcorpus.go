// Package fuzzcorpus reads the seed corpus of a Go fuzz test (the files of
// testdata/fuzz/FuzzX), for tests that check other code on the same inputs.
package fuzzcorpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Read returns the []byte input of every corpus file in dir, by file name.
// It fails on an empty directory and on a file that does not hold one
// []byte input.
func Read(dir string) (map[string][]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no fuzz corpus in %s: %v", dir, err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		_, lit, ok := strings.Cut(string(raw), "[]byte(")
		if !ok {
			return nil, fmt.Errorf("%s: not a corpus file", f)
		}
		s, err := strconv.Unquote(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(lit), ")")))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = []byte(s)
	}
	return out, nil
}
