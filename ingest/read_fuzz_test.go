package ingest_test

import (
	"bytes"
	"testing"

	"github.com/tracegraph/tracegraph/ingest"
)

// FuzzRead: whatever the body (of POST /api/v1/events, of a file), reading
// it into events does not panic, and every event read has a line of the body, in
// order; NDJSON gives exactly one event per non-blank line, on that line.
// The seed corpus is the f.Add calls.
func FuzzRead(f *testing.F) {
	for _, s := range []struct {
		body   string
		ndjson bool
	}{
		{"{\"id\":\"a\"}\n{\"id\":\"b\"}\n", true},
		{"\r\n  {\"id\":\"a\"}  \r\n\n\t\n{\"id\":\"b\"}", true},
		{"not json\n{}", true},
		{"[{\"id\":\"a\"},\n {\"id\":\"b\"}]", false},
		{"[{\"id\":\"a\"},]", false},
		{"[1, \"x\", null, [[]]] trailing", false},
		{"  [ ]  ", false},
		{"[\n{\"id\":\"a\",\n\"type\":\"unit.created\"}\n,\n{}\n]", false},
	} {
		f.Add([]byte(s.body), s.ndjson)
	}
	f.Fuzz(func(t *testing.T, body []byte, ndjson bool) {
		ct := "application/json"
		if ndjson {
			ct = "application/x-ndjson"
		}
		var lines []int
		err := ingest.Read(bytes.NewReader(body), ct, func(raw []byte, line int) error {
			if len(bytes.TrimSpace(raw)) == 0 {
				t.Fatalf("%q: an event on line %d is blank", body, line)
			}
			lines = append(lines, line)
			return nil
		})
		if err != nil {
			return
		}
		last := bytes.Count(body, []byte{'\n'}) + 1
		for i, l := range lines {
			if l < 1 || l > last || i > 0 && l < lines[i-1] {
				t.Fatalf("%q: event %d is on line %d (lines %v), the body has %d", body, i, l, lines, last)
			}
		}
		if bytes.HasPrefix(bytes.TrimSpace(body), []byte{'['}) && !ndjson {
			return
		}
		var want []int
		for i, l := range bytes.Split(body, []byte{'\n'}) {
			if len(bytes.TrimSpace(l)) > 0 {
				want = append(want, i+1)
			}
		}
		if len(want) != len(lines) {
			t.Fatalf("%q: events on lines %v, want one on each non-blank line %v", body, lines, want)
		}
		for i := range want {
			if want[i] != lines[i] {
				t.Fatalf("%q: events on lines %v, want one on each non-blank line %v", body, lines, want)
			}
		}
	})
}
