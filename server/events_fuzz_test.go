package server

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzSplitEvents: whatever the body, splitting it into events does not
// panic; NDJSON gives each non-blank line once, trimmed, with its line
// number, in order; a JSON array gives well-formed JSON values at lines of
// the body. The seed corpus is testdata/fuzz/FuzzSplitEvents and the f.Add
// calls.
func FuzzSplitEvents(f *testing.F) {
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
	} {
		f.Add([]byte(s.body), s.ndjson)
	}
	f.Fuzz(func(t *testing.T, body []byte, ndjson bool) {
		ct := "application/json"
		if ndjson {
			ct = "application/x-ndjson"
		}
		events, err := splitEvents(body, ct)
		if err != nil {
			return
		}
		lines := bytes.Count(body, []byte{'\n'}) + 1
		prev := 0
		for i, e := range events {
			if e.line < 1 || e.line > lines || e.line < prev {
				t.Fatalf("event %d of %q is at line %d (after %d), the body has %d", i, body, e.line, prev, lines)
			}
			prev = e.line
			if len(e.raw) == 0 || !bytes.Equal(e.raw, bytes.TrimSpace(e.raw)) {
				t.Fatalf("event %d of %q is %q: empty or not trimmed", i, body, e.raw)
			}
		}
		mode := "lines"
		if t := bytes.TrimSpace(body); !ndjson && len(t) > 0 && t[0] == '[' {
			mode = "array"
		}
		switch mode {
		case "lines":
			var want [][]byte
			for _, l := range bytes.Split(body, []byte{'\n'}) {
				if l = bytes.TrimSpace(l); len(l) > 0 {
					want = append(want, l)
				}
			}
			if len(want) != len(events) {
				t.Fatalf("%q split into %d events, want its %d non-blank lines", body, len(events), len(want))
			}
			for i := range want {
				if !bytes.Equal(want[i], events[i].raw) {
					t.Fatalf("event %d of %q is %q, want the line %q", i, body, events[i].raw, want[i])
				}
			}
		case "array":
			for i, e := range events {
				if !json.Valid(e.raw) {
					t.Fatalf("event %d of the array %q is %q, not a JSON value", i, body, e.raw)
				}
			}
		}
	})
}
