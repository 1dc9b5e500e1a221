package tracegraph_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// hiddenTx is a Tx's GraphReader under another type: a Tx over it is not
// "over the Tx", so merging into the Tx replays each mutation (no empty
// overlay taken as it is) and the batches over it share no memo.
type hiddenTx struct{ tracegraph.GraphReader }

// TestMergeAsReplayed projects the golden test's scenarios layered as the
// embedded writer does (batch over group over graph), once as is and once
// with every layer hidden behind another reader type, so that merging
// replays every mutation and nothing is shared between batches: the
// outcomes, the mutations and what the graph answers at the end (every
// node's node, edges with history in both directions, every event) are
// the same.
func TestMergeAsReplayed(t *testing.T) {
	ctx := context.Background()
	for _, sc := range rulesScenarios(t) {
		digest := func(hide bool) string {
			wrap := func(tx *tracegraph.Tx) tracegraph.GraphReader {
				if hide {
					return hiddenTx{tx}
				}
				return tx
			}
			graph := tracegraph.NewTx(ctx, tracegraph.EmptyGraph{})
			group := tracegraph.NewTx(ctx, wrap(graph))
			h := sha256.New()
			seq := uint64(1)
			var ids []tracegraph.ID
			var events []string
			for i, batch := range sc.batches {
				opts := tracegraph.ApplyOptions{Atomic: i < len(sc.atomic) && sc.atomic[i]}
				res, err := tracegraph.ProjectBatch(ctx, wrap(group), batch, opts, seq)
				if err != nil {
					t.Fatal(err)
				}
				writeJSON(t, h, res.Outcomes)
				writeJSON(t, h, res.Tx.Mutations())
				for _, m := range res.Tx.Mutations() {
					ids = append(ids, m.Nodes()...)
				}
				for _, e := range res.Accepted {
					events = append(events, e.ID)
				}
				res.Tx.MergeInto(group)
				seq += uint64(len(res.Accepted))
				if i%3 == 2 || i == len(sc.batches)-1 {
					group.MergeInto(graph)
					group = tracegraph.NewTx(ctx, wrap(graph))
				}
			}
			writeJSON(t, h, graph.Mutations())
			slices.Sort(ids)
			for _, id := range slices.Compact(ids) {
				n, err := graph.GetNode(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				writeJSON(t, h, n)
				for _, dir := range []tracegraph.Direction{tracegraph.Upstream, tracegraph.Downstream, tracegraph.Both} {
					es, err := graph.NodeEdges(ctx, id, dir, true)
					if err != nil {
						t.Fatal(err)
					}
					writeJSON(t, h, es)
				}
			}
			for _, id := range events {
				e, by, err := graph.EventByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				writeJSON(t, h, []any{e.Seq, e.ID, by})
			}
			return fmt.Sprintf("%x", h.Sum(nil))
		}
		if as, replayed := digest(false), digest(true); as != replayed {
			t.Errorf("%s: merged %s, replayed %s", sc.name, as, replayed)
		}
	}
}
