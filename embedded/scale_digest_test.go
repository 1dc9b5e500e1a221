package embedded_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// BenchmarkScaleRecallDigest logs a digest of the recall report from the
// suspect reels (its JSON, byte for byte, but for the moment asked), so
// that two builds' answers on the same factory can be compared.
func BenchmarkScaleRecallDigest(b *testing.B) {
	s, ctx := scaleStore(b), context.Background()
	var sum [32]byte
	for b.Loop() {
		r, err := s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: scale.facts.SuspectLots})
		if err != nil {
			b.Fatal(err)
		}
		r.AsOf = time.Time{} // now, which differs run to run
		raw, err := json.Marshal(r)
		if err != nil {
			b.Fatal(err)
		}
		sum = sha256.Sum256(raw)
	}
	b.Logf("report digest %x", sum)
}
