package tracegraph

import (
	"context"
	"testing"
	"time"
)

// TestRollbackRestoresEveryMap projects an event into a batch's Tx that
// changes each of its maps and lists where the batch had entries before
// (nodes put and voided, edges added at nodes with edges, closed and
// reopened, holds added and removed, identifiers added and removed, an
// event voided), then takes it out: the Tx is as it was before, and the
// batch can go on.
func TestRollbackRestoresEveryMap(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := NewTx(ctx, EmptyGraph{})
	node := func(id ID) *Node { return &Node{ID: id, Label: LabelUnit, Props: map[string]any{"serial": string(id)}} }
	hold := func(id string, on ID) Hold { return Hold{ID: id, Source: on, Reason: "check", Since: at} }
	edge := func(src, dst ID) {
		if err := b.addEdge(EdgeContains, src, dst, PrecisionExact, nil); err != nil {
			t.Fatal(err)
		}
	}
	step := func(seq uint64, id string, f func()) {
		b.seq, b.ev = seq, &Event{ID: id, Time: at}
		f()
		b.seq, b.ev, b.nEdges = 0, nil, 0
	}
	// The batch before: nodes a, b, c, d (c voided), edges a→b, b→d, c→d,
	// a hold on a and b, identifiers of a and b, an event voided.
	step(1, "e1", func() {
		for _, id := range []ID{"a", "b", "c", "d"} {
			b.putNode(node(id))
		}
		for _, e := range [][2]ID{{"a", "b"}, {"b", "d"}, {"c", "d"}} {
			edge(e[0], e[1])
		}
		must(t, b.addHold("a", hold("h1", "a")))
		must(t, b.addHold("b", hold("h1", "a")))
		b.addIdentifier(Identifier{Scheme: SchemeSSCC, Value: "s1", Node: "a"})
		b.addIdentifier(Identifier{Scheme: SchemeSSCC, Value: "s3", Node: "b"})
		b.record(Mutation{Op: OpVoidEvent, Seq: 1, EventID: "e0", VoidedBy: "e1"})
		b.voidNode("c")
	})
	es, err := b.NodeEdges(ctx, "a", Upstream, false)
	if err != nil || len(es) != 1 {
		t.Fatalf("a's edges: %v, %v", es, err)
	}
	before := overlayText(b)
	var u undoLog
	b.beginEvent(2, &Event{ID: "e2", Time: at.Add(time.Hour)}, nil, &u)
	b.putNode(node("a"))
	b.putNode(node("e"))
	b.putNode(node("c"))
	for _, e := range [][2]ID{{"a", "e"}, {"e", "b"}, {"b", "e"}, {"a", "d"}, {"b", "f"}} {
		edge(e[0], e[1])
	}
	closed := es[0]
	closed.ValidTo, closed.ClosedBy = b.now(), "e2"
	b.updateEdge(closed)
	closed.ValidTo, closed.ClosedBy = time.Time{}, ""
	b.updateEdge(closed)
	must(t, b.addHold("d", hold("h1", "a")))
	must(t, b.addHold("a", hold("h2", "a")))
	must(t, b.removeHold("b", hold("h1", "a")))
	b.addIdentifier(Identifier{Scheme: SchemeSSCC, Value: "s2", Node: "e"})
	b.removeIdentifier(Identifier{Scheme: SchemeSSCC, Value: "s1", Node: "a"})
	b.addIdentifier(Identifier{Scheme: SchemeSSCC, Value: "s1", Node: "a"})
	b.removeIdentifier(Identifier{Scheme: SchemeSSCC, Value: "s3", Node: "b"})
	b.record(Mutation{Op: OpVoidEvent, Seq: 2, EventID: "e1", VoidedBy: "e2"})
	b.record(Mutation{Op: OpVoidEvent, Seq: 2, EventID: "e0", VoidedBy: "e2"})
	b.voidNode("b")
	if !b.fellBack {
		t.Error("voiding a node did not fall back")
	}
	b.rollback()
	b.endEvent()
	if after := overlayText(b); after != before {
		t.Fatalf("after the rollback:\n%s\nbefore:\n%s", after, before)
	}
	// The lists go on from where they were cut.
	step(3, "e3", func() { edge("a", "d") })
	es, err = b.NodeEdges(ctx, "a", Upstream, false)
	if err != nil || len(es) != 2 || es[0].Target != "b" || es[1].Target != "d" {
		t.Fatalf("a's edges after: %v, %v", es, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
