package tracegraph

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/internal/fuzzcorpus"
)

// checkDecoderAgrees fails t unless d.Decode(b) answers what DecodeEvent(b)
// answers (the same event, or the same refusal), and keeps nothing of b:
// the decoded event is unchanged after b is overwritten.
func checkDecoderAgrees(t testing.TB, d *EventDecoder, b []byte) bool {
	t.Helper()
	want, werr := DecodeEvent(b)
	in := bytes.Clone(b)
	got, gerr := d.Decode(in)
	for i := range in {
		in[i] = 'X'
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gerr, werr) {
		t.Fatalf("%q:\nEventDecoder.Decode = %+v, %v\nDecodeEvent         = %+v, %v", b, got, gerr, want, werr)
	}
	return werr == nil
}

// decoderInputs are the event lines of every fast type, FuzzDecodeEvent's
// corpus, and their variants (cut short, bytes left out, doubled or
// replaced, tokens rewritten): the inputs of TestDecodedIsJSON and
// TestEventDecoderAgrees.
func decoderInputs(t *testing.T) [][]byte {
	lines := envelopeSamples()
	corpus, err := fuzzcorpus.Read("testdata/fuzz/FuzzDecodeEvent")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range corpus {
		lines = append(lines, string(b))
	}
	var inputs [][]byte
	for _, line := range lines {
		inputs = append(inputs, fastVariants([]byte(line))...)
		for _, v := range envelopeVariants(line) {
			inputs = append(inputs, []byte(v))
		}
	}
	return inputs
}

// TestEventDecoderAgrees: an EventDecoder decodes every input as
// DecodeEvent does, with one decoder for all of them (its table fills,
// and strings replace each other in its slots), every fourth input twice
// (the second time its strings are in the table).
func TestEventDecoderAgrees(t *testing.T) {
	inputs := decoderInputs(t)
	d := NewEventDecoder()
	accepted := 0
	for i, b := range inputs {
		if checkDecoderAgrees(t, d, b) {
			accepted++
		}
		if i%4 == 0 {
			checkDecoderAgrees(t, d, b)
		}
	}
	t.Logf("%d inputs, %d accepted", len(inputs), accepted)
	if accepted < 1000 || len(inputs)-accepted < 10000 {
		t.Errorf("%d inputs of which %d accepted: the variants no longer exercise both answers", len(inputs), accepted)
	}
}

// TestEventDecoderShares: a decoder that has read an event's names before
// allocates less for it than DecodeEvent, and a name longer than it keeps
// is read as DecodeEvent reads it.
func TestEventDecoderShares(t *testing.T) {
	long := strings.Repeat("S", maxEventName+1)
	for _, line := range []string{
		`{"id":"e-1","type":"process.recorded","time":"2026-01-05T06:06:50.761Z","station":"SMT2-RFL","operator":"OP1010","data":{"units":["Unit:BTH0000001"],"step":"reflow","recipe":"RFL-SAC305-2","parameters":{"nitrogen":true,"profile":"SAC305-STD"},"result":"pass"}}`,
		`{"id":"e-2","type":"test.recorded","time":"2026-01-05T06:13:48.029Z","station":"FCT-2","operator":"OP1010","data":{"unit":"Unit:M1","testType":"FCT","result":"pass","program":"FCT-710","fixture":"FX-1","measurements":[{"name":"VOUT","value":4.9,"unit":"V","low":4.85,"high":5.15,"result":"pass"}]}}`,
		`{"id":"e-3","type":"unit.created","time":"2026-01-05T06:08:56.863Z","station":"` + long + `","data":{"serial":"B6","partNumber":"700-TH100","revision":"R2A","workOrder":"WO1","kind":"pcba","origin":"made","identifiers":{"mac":"00:11"}}}`,
	} {
		b := []byte(line)
		d := NewEventDecoder()
		checkDecoderAgrees(t, d, b)
		shared := testing.AllocsPerRun(20, func() { _, _ = d.Decode(b) })
		plain := testing.AllocsPerRun(20, func() { _, _ = DecodeEvent(b) })
		if shared >= plain-3 {
			t.Errorf("%.40s…: %.0f allocations with an EventDecoder that read it before, %.0f with DecodeEvent: want at least 3 fewer", line, shared, plain)
		}
	}
}

// FuzzEventDecoderAgrees: for any input, a fresh EventDecoder and one that
// read the input before decode it as DecodeEvent does.
func FuzzEventDecoderAgrees(f *testing.F) {
	for _, s := range envelopeSamples() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewEventDecoder()
		checkDecoderAgrees(t, d, b)
		checkDecoderAgrees(t, d, b)
	})
}
