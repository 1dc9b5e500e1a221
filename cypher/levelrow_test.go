package cypher

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// TestAddLevelRow reads the rows of expand_*_levels.cypher's one record:
// edges in both directions (the source is the expanded node upstream, the
// other one downstream), start nodes live and voided, a node without
// edges, and rows of the wrong shape, which are errors.
func TestAddLevelRow(t *testing.T) {
	rel := map[string]any{relEID: int64(7), relPrecision: "EXACT"}
	from := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		row    any
		up     bool
		hops   map[tracegraph.ID][]hop
		starts map[tracegraph.ID]nodeInfo
		// plain: a record of expand_*.cypher, read without a map of start
		// nodes.
		plain   bool
		wantErr string
	}{
		{name: "edge upstream", up: true,
			row: []any{"Unit:U1", "CONSUMED", rel, "MaterialLot:L1", "MaterialLot", nil, true},
			hops: map[tracegraph.ID][]hop{"Unit:U1": {{other: "MaterialLot:L1", label: tracegraph.LabelMaterialLot, held: true,
				edge: tracegraph.Edge{ID: 7, Type: tracegraph.EdgeConsumed, Source: "Unit:U1", Target: "MaterialLot:L1", Precision: tracegraph.PrecisionExact}}}}},
		{name: "edge downstream", up: false,
			row: []any{"MaterialLot:L1", "CONSUMED", rel, "Unit:U1", "Unit", "SHIPPED", false},
			hops: map[tracegraph.ID][]hop{"MaterialLot:L1": {{other: "Unit:U1", label: tracegraph.LabelUnit, status: "SHIPPED",
				edge: tracegraph.Edge{ID: 7, Type: tracegraph.EdgeConsumed, Source: "Unit:U1", Target: "MaterialLot:L1", Precision: tracegraph.PrecisionExact}}}}},
		{name: "live start node", row: []any{"Unit:U1", nil, nil, nil, "Unit", "IN_PROCESS", true, true},
			hops:   map[tracegraph.ID][]hop{"Unit:U1": nil},
			starts: map[tracegraph.ID]nodeInfo{"Unit:U1": {label: tracegraph.LabelUnit, status: "IN_PROCESS", held: true}}},
		{name: "start node read without starts", plain: true, row: []any{"Unit:U1", nil, nil, nil, "Unit", "IN_PROCESS", true, true},
			hops: map[tracegraph.ID][]hop{"Unit:U1": nil}},
		{name: "lean edge with its validity", up: true,
			row: []any{"Box:B1", "CONTAINS", []any{int64(7), "EXACT", from, nil}, "Unit:U1", "Unit", "SHIPPED", nil},
			hops: map[tracegraph.ID][]hop{"Box:B1": {{other: "Unit:U1", label: tracegraph.LabelUnit, status: "SHIPPED",
				edge: tracegraph.Edge{ID: 7, Type: tracegraph.EdgeContains, Source: "Box:B1", Target: "Unit:U1", Precision: tracegraph.PrecisionExact, ValidFrom: from}}}}},
		{name: "lean edge without validity", up: false,
			row: []any{"MaterialLot:L1", "CONSUMED", []any{int64(9), "CANDIDATE"}, "Unit:U1", "Unit", "SHIPPED", nil},
			hops: map[tracegraph.ID][]hop{"MaterialLot:L1": {{other: "Unit:U1", label: tracegraph.LabelUnit, status: "SHIPPED",
				edge: tracegraph.Edge{ID: 9, Type: tracegraph.EdgeConsumed, Source: "Unit:U1", Target: "MaterialLot:L1", Precision: tracegraph.PrecisionCandidate}}}}},
		{name: "voided start node", row: []any{"Unit:U1", nil, nil, nil, nil, "IN_PROCESS", false, true},
			hops: map[tracegraph.ID][]hop{"Unit:U1": nil}},
		{name: "node without edges", row: []any{"Box:B1", nil, nil, nil, nil, nil, nil},
			hops: map[tracegraph.ID][]hop{"Box:B1": nil}},
		{name: "not a list", row: "Unit:U1", wantErr: "not a list"},
		{name: "short", row: []any{"Unit:U1", nil, nil}, wantErr: "not a list of 7 or 8"},
		{name: "from not a string", row: []any{int64(1), nil, nil, nil, nil, nil, nil}, wantErr: "wrong type"},
		{name: "rel not a map", row: []any{"Unit:U1", "CONSUMED", "x", "MaterialLot:L1", nil, nil, false}, wantErr: "wrong type"},
		{name: "edge without eid", row: []any{"Unit:U1", "CONSUMED", map[string]any{}, "MaterialLot:L1", nil, nil, false}, wantErr: "without an eid"},
		{name: "lean edge without eid", row: []any{"Unit:U1", "CONSUMED", []any{nil, "EXACT"}, "MaterialLot:L1", nil, nil, false}, wantErr: "without an eid"},
		{name: "lean rel too short", row: []any{"Unit:U1", "CONSUMED", []any{int64(7)}, "MaterialLot:L1", nil, nil, false}, wantErr: "not a list of 2 or 4"},
		{name: "lean bad precision", row: []any{"Unit:U1", "CONSUMED", []any{int64(7), "NEARLY"}, "MaterialLot:L1", nil, nil, false}, wantErr: "edge 7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hops, starts := map[tracegraph.ID][]hop{}, map[tracegraph.ID]nodeInfo{}
			if tc.plain {
				starts = nil
			}
			err := addLevelRow(hops, starts, tc.row, tc.up)
			if errorAsWanted(t, err, tc.wantErr) {
				return
			}
			if tc.starts == nil && !tc.plain {
				tc.starts = map[tracegraph.ID]nodeInfo{}
			}
			if !reflect.DeepEqual(hops, tc.hops) || !reflect.DeepEqual(starts, tc.starts) {
				t.Errorf("hops %+v, starts %+v; want %+v, %+v", hops, starts, tc.hops, tc.starts)
			}
		})
	}
}

// TestAddOrders reads the work orders of a levels query: every node it
// expanded gets an entry (none for a unit without a work order), a unit's
// order is its FOR_ORDER of the highest eid (the one the rollup keeps,
// whatever the order of the rows), and rows of the wrong shape are errors.
func TestAddOrders(t *testing.T) {
	got := map[tracegraph.ID][]hop{"Unit:U1": nil, "Unit:U2": nil, "Box:B1": nil}
	tests := []struct {
		name    string
		rows    []any
		want    map[tracegraph.ID]workOrder
		wantErr string
	}{
		{name: "none", rows: nil, want: map[tracegraph.ID]workOrder{"Unit:U1": {}, "Unit:U2": {}, "Box:B1": {}}},
		{name: "highest eid kept",
			rows: []any{[]any{"Unit:U1", int64(9), "WorkOrder:W2", "WorkOrder"}, []any{"Unit:U1", int64(4), "WorkOrder:W1", "WorkOrder"}},
			want: map[tracegraph.ID]workOrder{"Unit:U1": {eid: 9, id: "WorkOrder:W2", label: tracegraph.LabelWorkOrder, ok: true}, "Unit:U2": {}, "Box:B1": {}}},
		{name: "not a list of 4", rows: []any{[]any{"Unit:U1", int64(9)}}, wantErr: "not a list of 4"},
		{name: "eid not an integer", rows: []any{[]any{"Unit:U1", "9", "WorkOrder:W2", "WorkOrder"}}, wantErr: "wrong type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &lookahead{orders: map[tracegraph.ID]workOrder{}}
			err := l.addOrders(got, tc.rows)
			if errorAsWanted(t, err, tc.wantErr) {
				return
			}
			if !reflect.DeepEqual(l.orders, tc.want) {
				t.Errorf("orders %+v, want %+v", l.orders, tc.want)
			}
		})
	}
}

// errorAsWanted fails t unless err is as wanted: one saying want, or none
// when want is empty; it reports whether an error was wanted.
func errorAsWanted(t *testing.T, err error, want string) bool {
	t.Helper()
	if want != "" {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want one saying %q", err, want)
		}
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	return false
}
