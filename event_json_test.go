package tracegraph

import (
	"encoding/json"
	"testing"
)

// checkDecodedIsJSON fails t when DecodeEvent accepts b and b is not JSON
// (json.Valid): ingest.ReadEvents checks only refused elements of an array.
func checkDecodedIsJSON(t testing.TB, b []byte) bool {
	t.Helper()
	_, err := DecodeEvent(b)
	if err == nil && !json.Valid(b) {
		t.Fatalf("DecodeEvent accepted %q, which is not JSON", b)
	}
	return err == nil
}

// TestDecodedIsJSON: what DecodeEvent accepts is JSON, on the event lines
// of every fast type, FuzzDecodeEvent's corpus, and their variants (cut
// short, bytes left out, doubled or replaced, tokens rewritten), both
// ways DecodeEvent reads them (fastEnvelope, the strict decoder).
func TestDecodedIsJSON(t *testing.T) {
	inputs := decoderInputs(t)
	accepted := 0
	for _, b := range inputs {
		if checkDecodedIsJSON(t, b) {
			accepted++
		}
	}
	t.Logf("%d inputs, %d accepted", len(inputs), accepted)
	if accepted < 1000 || len(inputs)-accepted < 10000 {
		t.Errorf("%d inputs of which %d accepted: the variants no longer exercise both answers", len(inputs), accepted)
	}
}

// FuzzDecodedIsJSON: for any input, what DecodeEvent accepts is JSON.
func FuzzDecodedIsJSON(f *testing.F) {
	for _, s := range envelopeSamples() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecodedIsJSON(t, b)
	})
}
