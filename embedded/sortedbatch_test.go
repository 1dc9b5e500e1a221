package embedded

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// TestSortedBatchMeansTheSame writes the same sets and deletes (many to the
// same keys, keys that are prefixes of others, keys shorter and longer than
// the sort's 16-byte prefix) into one Pebble store in the order made and
// into another through a sortedBatch, commit after commit, and compares
// every key and value of the two stores after each commit: equal, byte for
// byte. It also checks that the slices set returns hold what was set until
// the batch is reset.
func TestSortedBatchMeansTheSame(t *testing.T) {
	open := func() *pebble.DB {
		db, err := pebble.Open("", &pebble.Options{FS: vfs.NewMem()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	plain, sorted := open(), open()
	rng := rand.New(rand.NewPCG(7, 7))
	key := func() []byte {
		// few distinct keys, so that writes to one key meet in a batch
		prefixes := []string{"n", "nUnit:SN-0000", "nUnit:SN-00001", "v", "vUnit:SN-0000000000000000", "e", ""}
		k := []byte(prefixes[rng.IntN(len(prefixes))])
		for range rng.IntN(4) {
			k = append(k, byte('a'+rng.IntN(3)))
		}
		if rng.IntN(5) == 0 {
			k = append(k, 0)
		}
		return k
	}
	var sb sortedBatch
	pb := sorted.NewBatch()
	for commit := range 200 {
		direct := plain.NewBatch()
		type kept struct{ got, want []byte }
		var keeps []kept
		n := rng.IntN(300)
		if commit%50 == 0 {
			n = 20000 // more than one chunk of staged bytes
		}
		for i := range n {
			k := key()
			if rng.IntN(4) == 0 {
				if err := direct.Delete(k, nil); err != nil {
					t.Fatal(err)
				}
				sb.delete(k)
				continue
			}
			v := fmt.Appendf(nil, "%d-%d-%s", commit, i, bytes.Repeat([]byte{'x'}, rng.IntN(200)))
			if err := direct.Set(k, v, nil); err != nil {
				t.Fatal(err)
			}
			keeps = append(keeps, kept{sb.set(k, v), v})
		}
		if err := direct.Commit(pebble.NoSync); err != nil {
			t.Fatal(err)
		}
		if err := sb.writeTo(pb); err != nil {
			t.Fatal(err)
		}
		if err := pb.Commit(pebble.NoSync); err != nil {
			t.Fatal(err)
		}
		for _, k := range keeps {
			if !bytes.Equal(k.got, k.want) {
				t.Fatalf("commit %d: a staged value reads %q, was set to %q", commit, k.got, k.want)
			}
		}
		pb.Reset()
		sb.reset()
		direct.Close()
		if d := diffStores(t, plain, sorted); d != "" {
			t.Fatalf("after commit %d: %s", commit, d)
		}
	}
}

// diffStores describes the first difference between the contents of a and
// b ("" when they hold the same keys and values).
func diffStores(t *testing.T, a, b *pebble.DB) string {
	t.Helper()
	ia, err := a.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ia.Close()
	ib, err := b.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ib.Close()
	ia.First()
	ib.First()
	for n := 0; ia.Valid() || ib.Valid(); n++ {
		switch {
		case !ia.Valid():
			return fmt.Sprintf("key %d: only the second holds %q", n, ib.Key())
		case !ib.Valid():
			return fmt.Sprintf("key %d: only the first holds %q", n, ia.Key())
		case !bytes.Equal(ia.Key(), ib.Key()) || !bytes.Equal(ia.Value(), ib.Value()):
			return fmt.Sprintf("key %d: %q=%q against %q=%q", n, ia.Key(), ia.Value(), ib.Key(), ib.Value())
		}
		ia.Next()
		ib.Next()
	}
	return ""
}
