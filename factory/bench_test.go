package factory

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// benchUnits is the size of one benchmark run: big enough for steady state.
const benchUnits = 20_000

func benchmarkGenerate(b *testing.B, emit func(*tracegraph.Event) error) {
	b.Helper()
	b.ReportAllocs()
	var events int64
	for i := 0; b.Loop(); i++ {
		sum, err := Generate(context.Background(), Config{Units: benchUnits, Seed: uint64(i)}, emit)
		if err != nil {
			b.Fatal(err)
		}
		events += sum.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
}

// BenchmarkGenerate measures generation alone: events built, data encoded.
func BenchmarkGenerate(b *testing.B) {
	benchmarkGenerate(b, func(*tracegraph.Event) error { return nil })
}

// BenchmarkGenerateNDJSON adds what `tracegraph generate` does with each
// event: encode the envelope and write it to a buffered writer.
func BenchmarkGenerateNDJSON(b *testing.B) {
	w := NewWriter(io.Discard)
	benchmarkGenerate(b, w.Write)
}

// BenchmarkGenerateMarshal encodes each envelope with json.Marshal instead,
// for comparison with AppendEvent.
func BenchmarkGenerateMarshal(b *testing.B) {
	w := bufio.NewWriterSize(io.Discard, 1<<20)
	benchmarkGenerate(b, func(ev *tracegraph.Event) error {
		buf, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		w.Write(buf)
		return w.WriteByte('\n')
	})
}
