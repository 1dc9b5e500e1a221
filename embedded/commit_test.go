package embedded

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// TestHistoryEntriesStaged: an event stages a history entry once per node
// it put, voided, held or whose edge it updated, and none for the nodes an
// edge it added names at an end that counts (the edge implies it); before
// the store's history mark it stages every entry, once per node and event,
// as format 1 did. A commit that failed and is made again (its persister
// reset) stages them again. An added edge whose id names another event is
// refused: the history would read that event.
func TestHistoryEntriesStaged(t *testing.T) {
	s, _ := openTemp(t)
	applyAccepted(t, s, smallFactory(t))
	pcb1 := tracegraph.NewID(tracegraph.LabelUnit, "PCB1")
	pcb2 := tracegraph.NewID(tracegraph.LabelUnit, "PCB2")
	p1 := tracegraph.NewID(tracegraph.LabelUnit, "P1")
	l9 := tracegraph.NewID(tracegraph.LabelMaterialLot, "L9")
	node := func(id tracegraph.ID) *tracegraph.Node {
		return &tracegraph.Node{ID: id, Label: id.Label(), Props: map[string]any{"serial": "x"}}
	}
	head := s.headSeq
	e1, e2, e3 := tracegraph.NewEdgeID(head+1, 0), tracegraph.NewEdgeID(head+1, 1), tracegraph.NewEdgeID(head+3, 0)
	edge := func(id tracegraph.EdgeID, src, dst tracegraph.ID) *tracegraph.Edge {
		return &tracegraph.Edge{ID: id, Source: src, Target: dst, Type: tracegraph.EdgeContains, ValidFrom: time.Unix(1, 0)}
	}
	closed := edge(e1, p1, pcb2)
	closed.ValidTo = time.Unix(2, 0)
	muts := []tracegraph.Mutation{
		// head+1 adds edges naming every node it puts: no entry.
		{Op: tracegraph.OpPutNode, Seq: head + 1, Node: node(p1)},
		{Op: tracegraph.OpAddEdge, Seq: head + 1, Edge: edge(e1, p1, pcb2)},
		{Op: tracegraph.OpPutNode, Seq: head + 1, Node: node(pcb2)},
		{Op: tracegraph.OpAddEdge, Seq: head + 1, Edge: edge(e2, pcb2, pcb1)},
		{Op: tracegraph.OpPutNode, Seq: head + 1, Node: node(p1)},
		// head+2 puts p1 and closes e1: entries of p1 and pcb2, once each.
		{Op: tracegraph.OpPutNode, Seq: head + 2, Node: node(p1)},
		{Op: tracegraph.OpUpdateEdge, Seq: head + 2, Edge: closed},
		// head+3: a lot's history leaves out the edges into it.
		{Op: tracegraph.OpPutNode, Seq: head + 3, Node: node(l9)},
		{Op: tracegraph.OpAddEdge, Seq: head + 3, Edge: edge(e3, p1, l9)},
	}
	leftOut := [][]byte{nodeEvKey(p1, head+2), nodeEvKey(pcb2, head+2), nodeEvKey(l9, head+3)}
	all := [][]byte{nodeEvKey(p1, head+1), nodeEvKey(pcb2, head+1), nodeEvKey(pcb1, head+1),
		nodeEvKey(p1, head+2), nodeEvKey(pcb2, head+2), nodeEvKey(l9, head+3), nodeEvKey(p1, head+3)}
	p := s.persister
	staged := func() [][]byte {
		t.Helper()
		p.reset(uint32(s.t.nodeCount()), nil, nil)
		for i := range muts {
			if err := p.persist(&muts[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.endHistory(); err != nil {
			t.Fatal(err)
		}
		var got [][]byte
		for _, op := range p.st.ops {
			if op.key[0] == pNodeEv {
				got = append(got, op.key)
			}
		}
		p.st.reset()
		p.b.Reset()
		return got
	}
	for try := range 2 {
		if got := staged(); !slices.EqualFunc(got, leftOut, slices.Equal) {
			t.Fatalf("try %d: history entries staged %q, want %q", try, got, leftOut)
		}
	}
	from := s.histFrom
	s.histFrom = head + 4 // these events are before the mark: every entry
	got := staged()
	s.histFrom = from
	if !slices.EqualFunc(got, all, slices.Equal) {
		t.Fatalf("before the mark: history entries staged %q, want %q", got, all)
	}

	p.reset(uint32(s.t.nodeCount()), nil, nil)
	bad := tracegraph.Mutation{Op: tracegraph.OpAddEdge, Seq: head + 1, Edge: edge(tracegraph.NewEdgeID(head, 0), p1, pcb1)}
	if err := p.persist(&bad); err == nil || !strings.Contains(err.Error(), "names event") {
		t.Fatalf("an edge whose id names another event: persist = %v, want it refused", err)
	}
	p.st.reset()
	p.b.Reset()
}
