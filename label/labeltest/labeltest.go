// Package labeltest reads printed labels back with real decoders, for the
// tests of package label and of the label route.
//
// The printed codes are checked with real decoders, not with this
// package's own reading: Debian's dmtx-utils (dmtxread) for Data Matrix and
// zbar-tools (zbarimg) for Code 128, with poppler-utils (pdftoppm) and
// librsvg2-bin (rsvg-convert) to rasterize PDF and SVG first. .ci/run
// installs them; outside CI a test whose tool is missing skips, in CI
// (CI=true) it fails.
package labeltest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tool returns the path of a command the test needs.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing in CI: .ci/run installs it", name)
		}
		t.Skipf("%s is not installed (apt-get install dmtx-utils zbar-tools poppler-utils librsvg2-bin)", name)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out, stderr bytes.Buffer
	cmd := exec.Command(tool(t, name), args...)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out.String()
}

// Decode reads the symbol of a label file with the real decoders, as a
// printed label is scanned: PDF and SVG are rasterized at 300 dpi first.
// A GS1 Data Matrix reads back with dmtxread's GS1 mode (-G 29: FNC1 as GS,
// ASCII 29, the first one included, as dmtxread reports it); a GS1-128
// with zbarimg --raw (zbar drops the leading FNC1 and reports separators as
// GS).
func Decode(t *testing.T, file string, twoD bool) string {
	t.Helper()
	img := file
	switch filepath.Ext(file) {
	case ".pdf":
		prefix := strings.TrimSuffix(file, ".pdf") + "-pdf"
		run(t, "pdftoppm", "-r", "300", "-png", "-singlefile", file, prefix)
		img = prefix + ".png"
	case ".svg":
		img = strings.TrimSuffix(file, ".svg") + "-svg.png"
		run(t, "rsvg-convert", "-d", "300", "-p", "300", "-b", "white", "-o", img, file)
	}
	if twoD {
		return run(t, "dmtxread", "-G", "29", "-N1", img)
	}
	return strings.TrimSuffix(run(t, "zbarimg", "--nodbus", "--raw", "-q", "-1", img), "\n")
}
