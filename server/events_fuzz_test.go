package server

import (
	"bytes"
	"context"
	"testing"

	"github.com/tracegraph/tracegraph/resolvers"
)

// FuzzReadEvents: whatever the body of POST /api/v1/events, reading it into
// events does not panic, and every event read has a line of the body, in
// order; NDJSON gives exactly one event per non-blank line, on that line.
// The seed corpus is the f.Add calls.
func FuzzReadEvents(f *testing.F) {
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
		rd := eventReader{ctx: context.Background(), max: 1000, batch: resolvers.NewBatch(0)}
		if err := rd.read(bytes.NewReader(body), ct); err != nil {
			return
		}
		if rd.batch.Len() != len(rd.lines) {
			t.Fatalf("%q: %d events, %d lines", body, rd.batch.Len(), len(rd.lines))
		}
		last := bytes.Count(body, []byte{'\n'}) + 1
		for i, l := range rd.lines {
			if l < 1 || l > last || i > 0 && l < rd.lines[i-1] {
				t.Fatalf("%q: event %d is on line %d (lines %v), the body has %d", body, i, l, rd.lines, last)
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
		if len(want) > 1000 {
			return // refused above: more events than max
		}
		if len(want) != len(rd.lines) {
			t.Fatalf("%q: events on lines %v, want one on each non-blank line %v", body, rd.lines, want)
		}
		for i := range want {
			if want[i] != rd.lines[i] {
				t.Fatalf("%q: events on lines %v, want one on each non-blank line %v", body, rd.lines, want)
			}
		}
	})
}
