package ingest_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest"
)

// readAll returns what Read or ReadSized hands to fn, event by event, and
// its error, as text.
func readAll(read func(fn func([]byte, int) error) error) string {
	var out strings.Builder
	err := read(func(raw []byte, line int) error {
		fmt.Fprintf(&out, "%d:%q\n", line, raw)
		if bytes.Contains(raw, []byte("stop")) {
			return fmt.Errorf("fn stops at line %d", line)
		}
		return nil
	})
	fmt.Fprintf(&out, "error: %v", err)
	return out.String()
}

// checkReadSized compares ReadSized, given sizes right and wrong, with Read.
func checkReadSized(t *testing.T, body []byte, contentType string) {
	t.Helper()
	want := readAll(func(fn func([]byte, int) error) error { return ingest.Read(bytes.NewReader(body), contentType, fn) })
	n := int64(len(body))
	for _, size := range []int64{-1, 0, 1, 15, n / 2, n - 1, n, n + 1, 70000, 1 << 20} {
		got := readAll(func(fn func([]byte, int) error) error {
			return ingest.ReadSized(bytes.NewReader(body), size, contentType, fn)
		})
		if got != want {
			t.Fatalf("body %.80q (%d bytes), size %d:\n%s\nRead:\n%s", body, n, size, got, want)
		}
	}
}

// TestReadSizedReadsAsRead: whatever size ReadSized is told (the body's,
// smaller, larger, unknown), it hands fn the events, lines and errors Read
// does: NDJSON and arrays, blank lines, malformed arrays (encoding/json's
// fallback), lines longer than the buffer and than MaxEventBytes, and fn's
// own error.
func TestReadSizedReadsAsRead(t *testing.T) {
	long := `{"id":"` + strings.Repeat("x", 100000) + `"}`
	huge := `{"id":"` + strings.Repeat("y", tracegraph.MaxEventBytes+10) + `"}`
	tests := []struct {
		name, body, contentType string
	}{
		{"ndjson", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n", "application/x-ndjson"},
		{"blank lines", "\r\n  {\"id\":\"a\"}  \r\n\n\t\n{\"id\":\"b\"}", "application/json"},
		{"array", "[{\"id\":\"a\"},\n {\"id\":\"b\"}]", "application/json"},
		{"array, trailing comma", "[{\"id\":\"a\"},]", "application/json"},
		{"array of other values", "[1, \"x\", null, [[]]] trailing", "application/json"},
		{"empty array", "  [ ]  ", ""},
		{"long line", "{\"id\":\"a\"}\n" + long + "\n{\"id\":\"c\"}", "application/x-ndjson"},
		{"long element", "[" + long + ",{\"id\":\"c\"}]", "application/json"},
		{"line over the limit", huge + "\n{\"id\":\"c\"}", "application/x-ndjson"},
		{"fn stops", "{\"id\":\"a\"}\n{\"id\":\"stop\"}\n{\"id\":\"c\"}", "application/x-ndjson"},
		{"white space only", " \n\t\n", ""},
		{"nothing", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkReadSized(t, []byte(tt.body), tt.contentType) })
	}
}

// FuzzReadSized: ReadSized reads any body as Read does, whatever the size
// it is told.
func FuzzReadSized(f *testing.F) {
	f.Add([]byte("{\"id\":\"a\"}\n{\"id\":\"b\"}\n"), true)
	f.Add([]byte("[{\"id\":\"a\"},\n {\"id\":\"b\"}]"), false)
	f.Add([]byte("[{\"id\":\"a\"},]"), false)
	f.Fuzz(func(t *testing.T, body []byte, ndjson bool) {
		ct := "application/json"
		if ndjson {
			ct = "application/x-ndjson"
		}
		checkReadSized(t, body, ct)
	})
}
