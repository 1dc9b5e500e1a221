package embedded

import "testing"

func BenchmarkTmpLoad(b *testing.B) {
	for b.Loop() {
		benchStore(b, 3000)
	}
}
