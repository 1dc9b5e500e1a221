package tracegraph

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestMergeByMapsAsReplayed merges batches into a group, by maps where a
// batch allows it (edges added at nodes the group has lists for, an
// identifier the group removed added again), and checks that the group's
// overlay is what replaying all their mutations in order makes.
func TestMergeByMapsAsReplayed(t *testing.T) {
	// The group's maps smaller than the batch's last merged (the batch's
	// become the group's, mergeMap, with the group's other entries) and
	// larger (the batch's are written into the group's): nodes and edges
	// the first batch adds besides (first), and the last (last).
	for _, c := range []struct{ first, last int }{{0, 0}, {8, 0}, {1, 8}} {
		t.Run(fmt.Sprintf("first=%d,last=%d", c.first, c.last), func(t *testing.T) { mergeByMapsAsReplayed(t, c.first, c.last) })
	}
}

// more puts n nodes named prefix+i, each with an edge to the node to.
func more(t *testing.T, b *Tx, prefix string, n int, to ID) {
	for i := range n {
		x := ID(fmt.Sprintf("%s%d", prefix, i))
		b.putNode(&Node{ID: x, Label: LabelUnit})
		if err := b.addEdge(EdgeContains, x, to, PrecisionExact, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func mergeByMapsAsReplayed(t *testing.T, first, last int) {
	ctx := context.Background()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	group := NewTx(ctx, EmptyGraph{})
	seq := uint64(1)
	batch := func(f func(b *Tx)) (byMaps bool) {
		b := NewTx(ctx, group)
		b.seq, b.ev = seq, &Event{ID: "e", Time: at}
		seq++
		f(b)
		b.seq, b.ev, b.nEdges = 0, nil, 0
		byMaps = !group.empty() && !b.replay
		b.MergeInto(group)
		return byMaps
	}
	edges := func(b *Tx, es ...[2]ID) {
		for _, e := range es {
			if err := b.addEdge(EdgeContains, e[0], e[1], PrecisionExact, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	s1 := Identifier{Scheme: SchemeSSCC, Value: "s1", Node: "a"}
	batch(func(b *Tx) {
		b.putNode(&Node{ID: "a", Label: LabelUnit})
		b.addIdentifier(s1)
		edges(b, [2]ID{"a", "b"}, [2]ID{"b", "c"})
		more(t, b, "x", first, "a")
	})
	if batch(func(b *Tx) { b.removeIdentifier(s1) }) {
		t.Error("a batch that removes an identifier merged by maps")
	}
	if !batch(func(b *Tx) {
		b.addIdentifier(s1)
		b.putNode(&Node{ID: "a", Label: LabelUnit, Props: map[string]any{"v": 2.0}})
		edges(b, [2]ID{"a", "d"}, [2]ID{"d", "b"}, [2]ID{"c", "a"})
		more(t, b, "y", last, "c")
		b.record(Mutation{Op: OpVoidEvent, Seq: b.seq, EventID: "e0", VoidedBy: "e"})
	}) {
		t.Error("the batch did not merge by maps")
	}
	replayed := NewTx(ctx, EmptyGraph{})
	replayed.adoptChunk(group.Mutations(), true)
	if got, want := overlayText(group), overlayText(replayed); got != want {
		t.Fatalf("merged by maps:\n%s\nreplayed:\n%s", got, want)
	}
}
