package embedded

import (
	"slices"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// TestHistoryEntryOncePerEvent: an event that changes a node several
// times (a put, then edges from it; an edge's two ends) stages the node's
// history entry once, and each event its own; a commit that failed and is
// made again (its persister reset) stages them again.
func TestHistoryEntryOncePerEvent(t *testing.T) {
	s, _ := openTemp(t)
	applyAccepted(t, s, smallFactory(t))
	pcb1 := tracegraph.NewID(tracegraph.LabelUnit, "PCB1")
	pcb2 := tracegraph.NewID(tracegraph.LabelUnit, "PCB2")
	p1 := tracegraph.NewID(tracegraph.LabelUnit, "P1")
	node := func(id tracegraph.ID) *tracegraph.Node {
		return &tracegraph.Node{ID: id, Label: tracegraph.LabelUnit, Props: map[string]any{"serial": "x"}}
	}
	edge := func(id tracegraph.EdgeID, src, dst tracegraph.ID) *tracegraph.Edge {
		return &tracegraph.Edge{ID: id, Source: src, Target: dst, Type: tracegraph.EdgeContains, ValidFrom: time.Unix(1, 0)}
	}
	head := s.headSeq
	muts := []tracegraph.Mutation{
		{Op: tracegraph.OpPutNode, Seq: head + 1, Node: node(p1)},
		{Op: tracegraph.OpAddEdge, Seq: head + 1, Edge: edge(1000, p1, pcb2)},
		{Op: tracegraph.OpPutNode, Seq: head + 1, Node: node(pcb2)},
		{Op: tracegraph.OpAddEdge, Seq: head + 1, Edge: edge(1001, pcb2, pcb1)},
		{Op: tracegraph.OpPutNode, Seq: head + 1, Node: node(p1)},
		{Op: tracegraph.OpPutNode, Seq: head + 2, Node: node(p1)},
		{Op: tracegraph.OpAddEdge, Seq: head + 2, Edge: edge(1002, p1, pcb1)},
	}
	want := [][]byte{nodeEvKey(p1, head+1), nodeEvKey(pcb2, head+1), nodeEvKey(pcb1, head+1), nodeEvKey(p1, head+2), nodeEvKey(pcb1, head+2)}
	p := s.persister
	for try := range 2 {
		p.reset(uint32(s.t.nodeCount()), nil, nil)
		for i := range muts {
			if err := p.persist(&muts[i]); err != nil {
				t.Fatal(err)
			}
		}
		var got [][]byte
		for _, op := range p.st.ops {
			if op.key[0] == pNodeEv {
				got = append(got, op.key)
			}
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("try %d: history entries staged %q, want %q", try, got, want)
		}
		p.st.reset()
		p.b.Reset()
	}
}
