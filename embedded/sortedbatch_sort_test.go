package embedded

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// sortOpsByComparison is the sort sortOps replaced: a comparison sort by the
// keys' first 16 bytes, the whole key, then staging order.
func sortOpsByComparison(b *sortedBatch) []opKey {
	order := make([]opKey, 0, len(b.ops))
	for i := range b.ops {
		order = append(order, newOpKey(b.ops[i].key, i))
	}
	slices.SortFunc(order, func(x, y opKey) int {
		if x.hi != y.hi {
			return cmp.Compare(x.hi, y.hi)
		}
		if x.lo != y.lo {
			return cmp.Compare(x.lo, y.lo)
		}
		if c := bytes.Compare(b.ops[x.i].key, b.ops[y.i].key); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	})
	return order
}

// TestSortOpsMatchesComparisonSort: the radix sort puts the ops in the
// order of the comparison sort it replaced, for keys that differ in any of
// their first 16 bytes, share them and differ after, are shorter than 16
// bytes or end in zero bytes, are repeated, and for batches of 0 to 20,000
// ops, one after the other in one sortedBatch (its buffers reused).
func TestSortOpsMatchesComparisonSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	prefixes := [][]byte{nil, []byte("n"), []byte("nUnit:SN-0000"), []byte("nUnit:SN-000012345"), []byte("v\xff\xff\xff"),
		binary.BigEndian.AppendUint64([]byte("e"), 1<<40)}
	key := func() []byte {
		k := slices.Clone(prefixes[rng.IntN(len(prefixes))])
		for range rng.IntN(20) {
			switch rng.IntN(4) {
			case 0:
				k = append(k, 0)
			case 1:
				k = append(k, byte(rng.IntN(256)))
			default:
				k = append(k, byte('a'+rng.IntN(3)))
			}
		}
		return k
	}
	var sb sortedBatch
	for round, n := range []int{0, 1, 2, 3, 17, 300, 5000, 20000, 1, 1000} {
		var keys [][]byte
		for i := range n {
			if i > 0 && rng.IntN(5) == 0 {
				keys = append(keys, keys[rng.IntN(len(keys))]) // the same key again
			} else {
				keys = append(keys, key())
			}
			if rng.IntN(4) == 0 {
				sb.delete(keys[i])
			} else {
				sb.set(keys[i], []byte{byte(i)})
			}
		}
		want := sortOpsByComparison(&sb)
		sb.sortOps()
		if !slices.Equal(sb.order, want) {
			for i := range want {
				if sb.order[i] != want[i] {
					t.Fatalf("round %d (%d ops): op %d of the order is %d (key %q), want %d (key %q)", round, n, i,
						sb.order[i].i, sb.ops[sb.order[i].i].key, want[i].i, sb.ops[want[i].i].key)
				}
			}
			t.Fatalf("round %d: %d ops ordered, want %d", round, len(sb.order), len(want))
		}
		sb.reset()
	}
}

// BenchmarkSortOps sorts the staged keys of a commit of 800 events' worth
// of ops (7,400, keys of a store's kinds).
//
//	go test ./embedded/ -run '^$' -bench SortOps
func BenchmarkSortOps(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sb sortedBatch
	for i := range 7400 {
		var k []byte
		switch i % 5 {
		case 0:
			k = binary.BigEndian.AppendUint64([]byte("e"), uint64(100000+i))
		case 1:
			k = strconv.AppendInt([]byte("iL1-SMT-"), rng.Int64N(1e12), 10)
		default:
			k = binary.BigEndian.AppendUint64(strconv.AppendInt([]byte("vunit:SN-"), rng.Int64N(1e7), 10), uint64(i))
		}
		sb.set(k, []byte("v"))
	}
	for b.Loop() {
		sb.sortOps()
	}
}
