package server

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// encodedAsEcho is what echo's Context.JSON writes for v (json.Encoder,
// HTML escaping on, no indent).
func encodedAsEcho(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func checkEventsAnswer(t testing.TB, r *EventsResponse) {
	t.Helper()
	want := encodedAsEcho(t, r)
	if got := appendEventsResponse(nil, r); !bytes.Equal(got, want) {
		t.Fatalf("appendEventsResponse:\n%s\njson.Encoder:\n%s", got, want)
	}
}

// answerTexts are strings an answer echoes: plain ones, and every kind
// json.Encoder escapes or replaces (quotes, backslashes, control
// characters, <, > and &, U+2028 and U+2029, invalid UTF-8, DEL).
var answerTexts = []string{"", "e-1", "f1-5l", "accepted", "rejected", "INVALID", "data.unit",
	`a "quoted" id`, `back\slash`, "tab\there", "nl\n", "\x00\x01\x1f", "<script>&amp;</script>", "a<b", "x>y", "p&q",
	"line\u2028sep\u2029", "é ü 中", "\xff\xfe bad", "\xe2\x80", "del\x7f", "unit Unit:B1 is not known (create it first)"}

// TestEventsAnswerAsEncoded: the answer of POST /api/v1/events is written
// byte for byte as json.Encoder writes it, for answers with and without
// outcomes, ids, sequence numbers, errors and fields, over every kind of
// text an answer echoes.
func TestEventsAnswerAsEncoded(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 9))
	text := func() string { return answerTexts[rng.IntN(len(answerTexts))] }
	for _, r := range []*EventsResponse{{}, {Outcomes: []EventOutcome{}},
		{Accepted: math.MaxInt, Duplicates: -1, Outcomes: []EventOutcome{{Index: -5, Line: math.MinInt, Seq: math.MaxUint64, Status: "accepted"}}}} {
		checkEventsAnswer(t, r)
	}
	for range 3000 {
		r := &EventsResponse{Accepted: rng.IntN(60), Duplicates: rng.IntN(3), Rejected: rng.IntN(5),
			Outcomes: make([]EventOutcome, rng.IntN(8))}
		for i := range r.Outcomes {
			o := EventOutcome{Index: i, Line: rng.IntN(1000), ID: text(), Status: text()}
			if rng.IntN(2) == 0 {
				o.Seq = rng.Uint64() >> rng.IntN(64)
			}
			if rng.IntN(3) == 0 {
				o.Error = &tracegraph.Error{Code: tracegraph.Code(text()), Field: text(), Message: text()}
			}
			r.Outcomes[i] = o
		}
		checkEventsAnswer(t, r)
	}
}

// FuzzEventsAnswer: an outcome of any id, status and error is written as
// json.Encoder writes it.
func FuzzEventsAnswer(f *testing.F) {
	for _, s := range answerTexts {
		f.Add(s, "accepted", "INVALID", "data", s, uint64(7))
	}
	f.Fuzz(func(t *testing.T, id, status, code, field, message string, seq uint64) {
		checkEventsAnswer(t, &EventsResponse{Accepted: 1, Outcomes: []EventOutcome{
			{Index: 0, Line: 1, ID: id, Status: status, Seq: seq},
			{Index: 1, Line: 2, ID: id, Status: status, Error: &tracegraph.Error{Code: tracegraph.Code(code), Field: field, Message: message}},
		}})
	})
}

// BenchmarkEventsAnswer encodes the answer to a body of 50 events, all
// accepted, as echo's json.Encoder did (encoder) and as POST
// /api/v1/events now does (append).
//
//	go test ./server/ -run '^$' -bench EventsAnswer -benchmem
func BenchmarkEventsAnswer(b *testing.B) {
	r := &EventsResponse{Accepted: 50, Outcomes: make([]EventOutcome, 50)}
	for i := range r.Outcomes {
		r.Outcomes[i] = EventOutcome{Index: i, Line: i + 1, ID: "C1-" + strconv.Itoa(1000+i), Status: tracegraph.OutcomeAccepted, Seq: uint64(123456 + i)}
	}
	b.Run("encoder", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := json.NewEncoder(&buf).Encode(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = appendEventsResponse(make([]byte, 0, 64+96*len(r.Outcomes)), r)
		}
	})
}
