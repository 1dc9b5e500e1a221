package ingest_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest"
)

// read returns the events Read hands over and their lines.
func read(t *testing.T, body io.Reader, contentType string) ([]string, []int, error) {
	t.Helper()
	var raws []string
	var lines []int
	err := ingest.Read(body, contentType, func(raw []byte, line int) error {
		raws = append(raws, string(raw))
		lines = append(lines, line)
		return nil
	})
	return raws, lines, err
}

func TestRead(t *testing.T) {
	tests := []struct {
		name, body, contentType string
		want                    []string
		lines                   []int
		err                     string // in the INVALID error's message
	}{
		{"NDJSON", "{\"a\":1}\n\n  {\"b\":2}  \r\n", "application/x-ndjson", []string{`{"a":1}`, `{"b":2}`}, []int{1, 3}, ""},
		{"NDJSON without a type", "\n\n{\"a\":1}\nnot json", "", []string{`{"a":1}`, "not json"}, []int{3, 4}, ""},
		{"an array", "\n[{\"a\":1},\n {\"b\":\n2}]\n", "application/json", []string{`{"a":1}`, "{\"b\":\n2}"}, []int{2, 3}, ""},
		{"an array sent as NDJSON", "[{\"a\":1}]", "application/x-ndjson; charset=utf-8", []string{`[{"a":1}]`}, []int{1}, ""},
		{"white space", " \n\t\n", "application/json", nil, nil, ""},
		{"an empty array", " [ ] ", "application/json", nil, nil, ""},
		{"a malformed array", "[{\"a\":1},\n{\"b\" 2}]", "application/json", []string{`{"a":1}`}, []int{1}, "not a well-formed JSON array (line 2"},
		{"data after the array", "[{\"a\":1}] {}", "", []string{`{"a":1}`}, []int{1}, "unexpected data after the JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raws, lines, err := read(t, strings.NewReader(tt.body), tt.contentType)
			if tt.err == "" && err != nil || tt.err != "" && (tracegraph.ErrorCode(err) != tracegraph.CodeInvalid || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("Read(%q) error = %v, want %q", tt.body, err, tt.err)
			}
			if strings.Join(raws, "|") != strings.Join(tt.want, "|") || len(lines) != len(tt.lines) {
				t.Fatalf("Read(%q) = %q on lines %v, want %q on lines %v", tt.body, raws, lines, tt.want, tt.lines)
			}
			for i := range lines {
				if lines[i] != tt.lines[i] {
					t.Fatalf("Read(%q) lines = %v, want %v", tt.body, lines, tt.lines)
				}
			}
		})
	}
}

// TestReadErrors: an error of the reader or of the callback ends Read and is
// returned as it is, not as an INVALID body (a server tells a body cut at
// its size limit from a malformed one so).
func TestReadErrors(t *testing.T) {
	cut := errors.New("cut")
	for _, body := range []string{"[{\"a\":1},\n{\"b\":", "{\"a\":1}\n{\"b\":"} {
		r := io.MultiReader(strings.NewReader(body), iotest.ErrReader(cut))
		if _, _, err := read(t, r, "application/json"); !errors.Is(err, cut) {
			t.Errorf("Read(%q, then a failure) = %v, want the reader's error", body, err)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := ingest.Read(strings.NewReader("{}\n{}\n{}\n"), "", func([]byte, int) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("Read with a callback failing on the 2nd event = %v after %d calls, want its error after 2", err, n)
	}
}

func TestMediaTypes(t *testing.T) {
	for _, tc := range []struct {
		ct     string
		ndjson bool
	}{
		{"application/x-ndjson", true},
		{"application/jsonl; charset=utf-8", true},
		{"application/json", false},
		{"", false},
		{"text/plain", false},
	} {
		if got := ingest.IsNDJSON(tc.ct); got != tc.ndjson {
			t.Errorf("IsNDJSON(%q) = %v, want %v", tc.ct, got, tc.ndjson)
		}
	}
	if mt := ingest.MediaTypes(); mt[0] != "application/json" || !ingest.IsNDJSON(mt[1]) {
		t.Errorf("MediaTypes() = %v, want application/json then the NDJSON types", mt)
	}
}
