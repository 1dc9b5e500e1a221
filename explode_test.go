package tracegraph

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestExplodeResultAdd: what Add takes in, Node, ID and Nodes give back,
// EXACT and UPSTREAM, and the JSON is that of the nodes.
func TestExplodeResultAdd(t *testing.T) {
	for _, tt := range []struct {
		name  string
		nodes []TraceNode
	}{
		{"empty", nil},
		{"one", []TraceNode{{ID: "Unit:U1", Label: LabelUnit, Depth: 1, Status: StatusWIP}}},
		{"mixed", []TraceNode{
			{ID: "Unit:U1", Label: LabelUnit, Depth: 1, Status: StatusShipped, OnHold: true},
			{ID: "Component:C1", Label: LabelComponent, Depth: 2},
			{ID: "Unit:U2", Label: LabelUnit, Depth: 2, Status: StatusScrapped},
			{ID: "", Label: LabelComponent, Depth: 3, OnHold: true},
			{ID: "Unit:U3", Label: LabelUnit, Depth: MaxExplodeDepth, Status: StatusShipped},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var r ExplodeResult
			want := make([]TraceNode, len(tt.nodes))
			for k, n := range tt.nodes {
				n.Precision, n.Direction = PrecisionUnknown, Downstream // not kept
				if err := r.Add(n); err != nil {
					t.Fatal(err)
				}
				n.Precision, n.Direction = PrecisionExact, Upstream
				want[k] = n
			}
			if r.Len() != len(want) {
				t.Fatalf("Len %d, want %d", r.Len(), len(want))
			}
			if got := r.Nodes(); !reflect.DeepEqual(got, want) {
				t.Fatalf("Nodes\n got %+v\nwant %+v", got, want)
			}
			for k, n := range want {
				if r.ID(k) != n.ID || r.Node(k) != n {
					t.Errorf("%d: ID %q, Node %+v; want %+v", k, r.ID(k), r.Node(k), n)
				}
			}
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if w, _ := json.Marshal(want); string(got) != string(w) {
				t.Errorf("JSON %s, want %s", got, w)
			}
		})
	}
}

// TestExplodeResultAddRefuses: a depth out of range and too many statuses
// are refused, and the answer is unchanged.
func TestExplodeResultAddRefuses(t *testing.T) {
	var r ExplodeResult
	if err := r.Add(TraceNode{ID: "Unit:U0", Label: LabelUnit, Depth: 1}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []TraceNode{
		{ID: "Unit:U1", Label: LabelUnit, Depth: MaxExplodeDepth + 1},
		{ID: "Unit:U1", Label: LabelUnit, Depth: -1},
	} {
		if err := r.Add(n); err == nil || !strings.Contains(err.Error(), "depth") {
			t.Errorf("Add(depth %d): error %v, want one about the depth", n.Depth, err)
		}
	}
	for k := 1; k < explodedStatuses; k++ { // "" is the first
		if err := r.Add(TraceNode{ID: ID(fmt.Sprintf("Unit:S%d", k)), Label: LabelUnit, Depth: 1, Status: fmt.Sprint("S", k)}); err != nil {
			t.Fatalf("status %d: %v", k, err)
		}
	}
	before := r.Nodes()
	if err := r.Add(TraceNode{ID: "Unit:X", Label: LabelUnit, Depth: 1, Status: "ONE TOO MANY"}); err == nil {
		t.Fatal("status 129 accepted")
	}
	if got := r.Nodes(); !reflect.DeepEqual(got, before) {
		t.Fatalf("a refused Add changed the answer: %d nodes, had %d", len(got), len(before))
	}
}

// TestExplodeResultShared: an answer over a store's tables names their IDs
// without copying them, and never writes into them, not even when Add
// appends to an answer made over tables with room to spare.
func TestExplodeResultShared(t *testing.T) {
	names := make([]byte, 0, 64)
	names = append(names, "Unit:AComponent:BUnit:C"...)
	nameAt := make([]uint32, 0, 8)
	nameAt = append(nameAt, 0, 6, 17, 23)
	statuses := []string{"", StatusWIP, StatusShipped}
	labels := len(Labels)
	r := NewExplodeResult(names, nameAt, Labels, statuses, 3)
	r.AddRow(2, uint8(LabelUnit.Code()), 2, 1, true)
	r.AddRow(1, uint8(LabelComponent.Code()), 0, 2, false)
	if err := r.Add(TraceNode{ID: "Unit:D", Label: LabelUnit, Depth: 3, Status: "NEW"}); err != nil {
		t.Fatal(err)
	}
	want := []TraceNode{
		{ID: "Unit:C", Label: LabelUnit, Depth: 1, Precision: PrecisionExact, Direction: Upstream, Status: StatusShipped, OnHold: true},
		{ID: "Component:B", Label: LabelComponent, Depth: 2, Precision: PrecisionExact, Direction: Upstream},
		{ID: "Unit:D", Label: LabelUnit, Depth: 3, Precision: PrecisionExact, Direction: Upstream, Status: "NEW"},
	}
	if got := r.Nodes(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Nodes\n got %+v\nwant %+v", got, want)
	}
	if got := string(names[:cap(names)][len(names):][:6]); got != "\x00\x00\x00\x00\x00\x00" {
		t.Errorf("Add wrote %q past the shared names", got)
	}
	if got := nameAt[:cap(nameAt)][len(nameAt)]; got != 0 {
		t.Errorf("Add wrote %d past the shared offsets", got)
	}
	if len(statuses) != 3 || len(Labels) != labels {
		t.Errorf("Add grew the shared tables: %d statuses, %d labels", len(statuses), len(Labels))
	}
}
