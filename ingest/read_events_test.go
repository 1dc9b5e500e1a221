package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/ingest"
)

// readEventsTraces reads body with ReadEvents and with ReadSized, decoding
// each text with DecodeEvent, and spells out what each handed on (the
// event's record or the refusal, the text, the line) and the error. With
// r, it reads body with r too, and got is r's trace when it is not
// ReadEvents' (an EventReader answers as ReadEvents).
func readEventsTraces(r *ingest.EventReader, body []byte, contentType string) (got, want string) {
	trace := func(sb *strings.Builder, ev *tracegraph.Event, err error, raw []byte, line int) {
		fmt.Fprintf(sb, "line %d %q: ", line, raw)
		if ev != nil {
			fmt.Fprintf(sb, "%s %s %s %q %q %s ", ev.ID, ev.Type, ev.Time, ev.Station, ev.Operator, ev.Data)
		}
		fmt.Fprintf(sb, "%v\n", err)
	}
	var g, w strings.Builder
	err := ingest.ReadEvents(bytes.NewReader(body), int64(len(body)), contentType, func(ev *tracegraph.Event, err error, raw []byte, line int) error {
		trace(&g, ev, err, raw, line)
		return nil
	})
	fmt.Fprintf(&g, "end: %v", err)
	err = ingest.ReadSized(bytes.NewReader(body), int64(len(body)), contentType, func(raw []byte, line int) error {
		ev, err := tracegraph.DecodeEvent(raw)
		trace(&w, ev, err, raw, line)
		return nil
	})
	fmt.Fprintf(&w, "end: %v", err)
	if r != nil {
		var rt strings.Builder
		err = r.Read(bytes.NewReader(body), int64(len(body)), contentType, func(ev *tracegraph.Event, err error, raw []byte, line int) error {
			trace(&rt, ev, err, raw, line)
			return nil
		})
		fmt.Fprintf(&rt, "end: %v", err)
		if rt.String() != g.String() {
			return "EventReader:\n" + rt.String(), w.String()
		}
	}
	return g.String(), w.String()
}

// TestReadEventsAsReadSized: ReadEvents hands on what ReadSized does, each
// text decoded, on bodies of a generated factory's events (arrays and
// NDJSON, whole and in every event cut short) and bodies whose elements
// are refused as events, are not JSON, or are not objects; and one
// EventReader, reading them all in turn, hands on what ReadEvents does.
func TestReadEventsAsReadSized(t *testing.T) {
	r := ingest.NewEventReader()
	var lines [][]byte
	_, err := factory.Generate(context.Background(), factory.Config{Units: 1, Seed: 1}, func(ev *tracegraph.Event) error {
		b, err := factory.AppendEvent(nil, ev)
		if len(lines) < 30 {
			lines = append(lines, b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	lines = append(lines,
		[]byte(`{"id":"x1","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P","bogus":1}}`),
		[]byte(`{"id":"x2","type":"unit.created","time":"not a time","data":{}}`),
		[]byte(`{"id":"x3","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S\u00e9","partNumber":"P"}}`),
		[]byte(`{"id":"x4","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S" "partNumber":"P"}}`),
		[]byte(`{"id":"x5","type":"unit.created",}`),
		[]byte(`{"id":"x6"} {"id":"x7"}`),
		[]byte(`{"id":"x8","type":"bogus","time":"2026-01-01T00:00:00Z","data":{}}`),
		[]byte(`{"id":"x9","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P"},"recordedBy":"me"}`),
		[]byte(`{"id":"x10","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P"}`),
		[]byte(`[]`), []byte(`"text"`), []byte(`{}`), []byte("{\"id\":\"a\xff\"}"),
	)
	n := 0
	check := func(body []byte) {
		t.Helper()
		for _, ct := range []string{"application/json", "application/x-ndjson"} {
			if got, want := readEventsTraces(r, body, ct); got != want {
				t.Fatalf("%s %q:\nReadEvents:\n%s\nReadSized:\n%s", ct, body, got, want)
			}
			n++
		}
	}
	for i := range lines {
		for _, sep := range []string{",", ",\n", " , "} {
			check([]byte("[" + string(bytes.Join(lines[:i+1], []byte(sep))) + "]"))
			check([]byte("[\n" + string(bytes.Join(lines[i:], []byte(sep))) + "\n]\n"))
		}
		check(bytes.Join(lines[i:], []byte("\n")))
		for cut := 1; cut < len(lines[i]); cut += 7 {
			check([]byte("[" + string(lines[0]) + "," + string(lines[i][:cut]) + "," + string(lines[0]) + "]"))
		}
	}
	t.Logf("%d bodies read both ways", n)
	if n < 500 {
		t.Fatalf("%d bodies", n)
	}
}

// FuzzReadEvents: for any body, ReadEvents hands on what ReadSized does,
// each text decoded, and an EventReader (that read the body before) what
// ReadEvents does.
func FuzzReadEvents(f *testing.F) {
	for _, s := range []string{
		`[{"id":"e1","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P"}},{"id":"e2"}]`,
		`[{"id":"e1","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P"}} , {"id":"e2",}]`,
		"{\"id\":\"e1\",\"type\":\"unit.placed\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":{\"unit\":\"U\",\"station\":\"S\"}}\n[1]\n",
		`[{"a":1},]`, `[{"a":"\u00e9"}, 3]`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, ndjson bool) {
		ct := "application/json"
		if ndjson {
			ct = "application/x-ndjson"
		}
		r := ingest.NewEventReader()
		if got, want := readEventsTraces(r, body, ct); got != want {
			t.Fatalf("%s %q:\nReadEvents:\n%s\nReadSized:\n%s", ct, body, got, want)
		}
		if got, want := readEventsTraces(r, body, ct); got != want {
			t.Fatalf("%s %q:\nReadEvents:\n%s\nReadSized:\n%s", ct, body, got, want)
		}
	})
}
