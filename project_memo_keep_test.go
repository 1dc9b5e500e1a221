package tracegraph

import (
	"fmt"
	"strings"
	"testing"
)

// TestLineSideMemoBound keeps line sides of many stations, of many sizes,
// in memos of a few bounds: after every put the entries cost at most the
// bound and what the memo counts, the one put is kept unless it alone
// exceeds the bound, and a station has one entry, the last put.
func TestLineSideMemoBound(t *testing.T) {
	for _, c := range []struct {
		name     string
		max      int
		stations int
	}{
		{"all fit", 1 << 20, 40},
		{"some dropped", 8 << 10, 40},
		{"one at a time", 2 * lineSideEntryCost, 10},
		{"none fits", lineSideEntryCost / 2, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := NewLineSideMemo(c.max)
			for i := range 400 {
				id := NewID(LabelStation, fmt.Sprintf("S%d", i%c.stations))
				e := &lineSideMemo{ls: &lineSide{node: &Node{ID: id}},
					setups: "{}", activations: "[]", feeders: strings.Repeat("x", (i*37)%(c.max/3+1))}
				m.put(e)
				sum := 0
				for k, kept := range m.stations {
					if kept.ls.node.ID != k {
						t.Fatalf("put %d: %s kept under %s", i, kept.ls.node.ID, k)
					}
					sum += kept.cost()
				}
				if sum != m.bytes || sum > c.max {
					t.Fatalf("put %d: entries cost %d, counted %d, bound %d", i, sum, m.bytes, c.max)
				}
				if got := m.get(id); (got == e) != (e.cost() <= c.max) || got != nil && got != e {
					t.Fatalf("put %d (cost %d, bound %d): kept %p, put %p", i, e.cost(), c.max, got, e)
				}
			}
		})
	}
	var none *LineSideMemo
	if none.get("Station:S1") != nil {
		t.Error("a nil memo has an entry")
	}
}
