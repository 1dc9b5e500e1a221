package tracegraph

import (
	"encoding/json"
	"testing"

	"github.com/tracegraph/tracegraph/internal/fuzzcorpus"
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
	lines := envelopeSamples()
	corpus, err := fuzzcorpus.Read("testdata/fuzz/FuzzDecodeEvent")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range corpus {
		lines = append(lines, string(b))
	}
	n, accepted := 0, 0
	for _, line := range lines {
		inputs := fastVariants([]byte(line))
		for _, v := range envelopeVariants(line) {
			inputs = append(inputs, []byte(v))
		}
		for _, b := range inputs {
			n++
			if checkDecodedIsJSON(t, b) {
				accepted++
			}
		}
	}
	t.Logf("%d inputs, %d accepted", n, accepted)
	if accepted < 1000 || n-accepted < 10000 {
		t.Errorf("%d inputs of which %d accepted: the variants no longer exercise both answers", n, accepted)
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
