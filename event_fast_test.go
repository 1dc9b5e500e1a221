package tracegraph

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/internal/fuzzcorpus"
)

// checkEnvelopeAgrees fails t unless DecodeEvent answers for line exactly
// as the strict decoding alone does (the same event, or the same refusal;
// the event keeps nothing of the line, which the caller may reuse), and
// unless what fastEnvelope takes the strict decoding takes too, with the
// same envelope.
func checkEnvelopeAgrees(t testing.TB, line []byte) {
	t.Helper()
	reused := bytes.Clone(line)
	got, gerr := decodeEvent(reused, true)
	for i := range reused {
		reused[i] = 'x'
	}
	want, werr := decodeEvent(line, false)
	if !reflect.DeepEqual(gerr, werr) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: DecodeEvent = %+v, %v; the strict decoding: %+v, %v", line, got, gerr, want, werr)
	}
	env, _, _, ok := fastEnvelope(line)
	if !ok {
		return
	}
	var strict envelope
	if err := strictUnmarshal(line, &strict); err != nil {
		t.Fatalf("%q: fastEnvelope took it, strictUnmarshal refuses it: %v", line, err)
	}
	if err := checkJSONTextOf(line, "", reflect.TypeFor[envelope]()); err != nil {
		t.Fatalf("%q: fastEnvelope took it, checkJSONTextOf refuses it: %v", line, err)
	}
	if !reflect.DeepEqual(env, strict) {
		t.Fatalf("%q: fastEnvelope = %+v, strictUnmarshal = %+v", line, env, strict)
	}
}

// envelopeSamples are event lines of every fast type (each of the fast
// decoder's samples in an envelope), with every envelope field.
func envelopeSamples() []string {
	var out []string
	for _, typ := range fastTypes {
		for i, data := range fastSamples[typ] {
			out = append(out, fmt.Sprintf(`{"id":"e-%d","type":%q,"time":"2026-01-05T06:00:14.79Z","station":"SMT1-PRN","operator":"OP1000","data":%s}`, i, typ, data))
		}
	}
	out = append(out, `{"data":{"unit":"U1","station":"S"},"time":"2026-01-05T06:00:00+02:00","type":"unit.placed","id":"x"}`)
	return out
}

// envelopeVariants are rewrites of an event line's envelope that the
// variants of fastVariants do not make.
func envelopeVariants(line string) []string {
	var out []string
	for _, r := range []struct{ from, to string }{
		{`"id"`, `"ID"`}, {`"id"`, `"\u0069d"`}, {`"type"`, `"Type"`}, {`"time"`, `"TIME"`}, {`"data"`, `"Data"`},
		{`"station"`, `"Station"`}, {`"operator"`, `"operatoR"`},
		{`"id":"`, `"id":null,"x":"`}, {`"time":"`, `"time":null,"y":"`}, {`"time":"`, `"time":"x`},
		{`"time":"2026`, `"time":"1969`}, {`"time":"2026`, `"time":"2262`}, {`Z"`, `.1234567891Z"`},
		{`"station":"`, `"station":" `}, {`"operator":"`, `"operator":"\t`}, {`"id":"`, `"id":"é`},
		{`"data":`, `"props":{"a":"b"},"data":`}, {`"data":`, `"recordedBy":"me","data":`}, {`"data":`, `"data":null,"d":`},
		{`"data":`, `"data":[],"d":`}, {`"data":`, `"data":"x","d":`}, {`"data":{`, `"data":{"a":"\"",`},
		{`"data":{`, `"data":{"x":{"y":[1,{"z":"}"}]},`}, {`"type":"`, `"type":"x`}, {`"type":"`, `"type":"event.voided","t":"`},
		{`"id":"`, `"id":"` + strings.Repeat("i", 300)}, {`,"data"`, ` , "data" `},
	} {
		if strings.Contains(line, r.from) {
			out = append(out, strings.Replace(line, r.from, r.to, 1), strings.ReplaceAll(line, r.from, r.to))
		}
	}
	return append(out, line+" ", line+"\n", line+"x", " "+line, line[:len(line)-1], strings.Repeat("x", MaxEventBytes+1))
}

// TestFastEnvelopeAgrees: on event lines of every fast type, the lines of
// FuzzDecodeEvent's corpus and tens of thousands of variants of each,
// DecodeEvent answers exactly as the strict decoding alone does (the same
// event, or the same refusal: code, field and message), and what
// fastEnvelope takes the strict decoding takes and reads alike.
func TestFastEnvelopeAgrees(t *testing.T) {
	corpus, err := fuzzcorpus.Read("testdata/fuzz/FuzzDecodeEvent")
	if err != nil {
		t.Fatal(err)
	}
	lines := envelopeSamples()
	for _, b := range corpus {
		lines = append(lines, string(b))
	}
	n, fast := 0, 0
	check := func(b []byte) {
		checkEnvelopeAgrees(t, b)
		n++
		if _, _, _, ok := fastEnvelope(b); ok {
			fast++
		}
	}
	for _, line := range lines {
		check([]byte(line))
		for _, v := range envelopeVariants(line) {
			check([]byte(v))
		}
		for _, v := range fastVariants([]byte(line)) {
			check(v)
		}
	}
	t.Logf("%d inputs, %d of them read by fastEnvelope", n, fast)
	if fast < 500 || n-fast < 5000 {
		t.Errorf("%d inputs of which %d fast: the variants no longer exercise both paths", n, fast)
	}
}

// FuzzFastEnvelope: for any line, DecodeEvent answers as the strict
// decoding does (go test -fuzz FuzzFastEnvelope explores).
func FuzzFastEnvelope(f *testing.F) {
	for _, s := range envelopeSamples() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		checkEnvelopeAgrees(t, line)
	})
}
