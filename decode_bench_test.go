package tracegraph_test

import (
	"bufio"
	"bytes"
	"context"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// BenchmarkDecodeEvent decodes the lines of a generated factory (200 units,
// as `tracegraph generate` writes them) as import and durable ingest do:
// DecodeEvent, which normalizes.
//
//	go test -run '^$' -bench DecodeEvent -benchmem .
func BenchmarkDecodeEvent(b *testing.B) {
	var buf bytes.Buffer
	w := factory.NewWriter(&buf)
	if _, err := factory.Generate(context.Background(), factory.Config{Units: 200, Seed: 1}, w.Write); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := tracegraph.DecodeEvent(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}
