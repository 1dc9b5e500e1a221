package embedded

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestRecCacheIsAMap: the record cache answers, for every position, the
// record last put there, or nil once it was dropped or its chunk evicted;
// records too large are not kept, and records handed out never change. A
// reference map of what was put and not dropped checks every answer: a
// position the cache answers must hold exactly the record put last.
func TestRecCacheIsAMap(t *testing.T) {
	for _, tc := range []struct {
		name   string
		budget int64
		size   func(r *rand.Rand) int
	}{
		{"one chunk, small records", recChunkSize, func(r *rand.Rand) int { return r.IntN(1500) }},
		{"three chunks, large records", 3 * recChunkSize, func(r *rand.Rand) int { return recMaxRecord/2 + r.IntN(recMaxRecord/2) }},
		{"two chunks, some too large", 2 * recChunkSize, func(r *rand.Rand) int {
			if r.IntN(10) == 0 {
				return recMaxRecord + 1 + r.IntN(100)
			}
			return r.IntN(recMaxRecord)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			c := newRecCache(tc.budget)
			want := map[uint32][]byte{}
			var handed [][2][]byte // records handed out, with a copy
			hits, evicted := 0, 0
			for step := range 6000 {
				p := uint32(r.IntN(400))
				switch r.IntN(10) {
				case 0:
					c.drop(p)
					delete(want, p)
				case 1, 2, 3, 4:
					rec := make([]byte, tc.size(r))
					for i := range rec {
						rec[i] = byte(r.Uint32())
					}
					c.put(p, rec)
					if len(rec) > recMaxRecord {
						delete(want, p)
					} else {
						want[p] = rec
					}
				default:
					got := c.get(p)
					switch w, ok := want[p]; {
					case got == nil:
						if ok {
							evicted++
						}
					case !ok || !bytes.Equal(got, w):
						t.Fatalf("step %d: get(%d) = %d bytes %x..., want %v", step, p, len(got), got[:min(len(got), 8)], ok)
					default:
						hits++
						if len(handed) < 1000 {
							handed = append(handed, [2][]byte{got, bytes.Clone(got)})
						}
					}
					if got == nil {
						delete(want, p) // evicted: gone for good
					}
				}
			}
			for i, h := range handed {
				if !bytes.Equal(h[0], h[1]) {
					t.Fatalf("record %d handed out changed", i)
				}
			}
			if hits == 0 || evicted == 0 {
				t.Errorf("%d hits, %d evicted: the test does not reach both", hits, evicted)
			}
		})
	}
}
