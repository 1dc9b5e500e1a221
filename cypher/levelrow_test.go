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
			row: []any{"Box:B1", "CONTAINS", map[string]any{relEID: int64(7), relPrecision: "EXACT", relValidFrom: from, relValidTo: nil}, "Unit:U1", "Unit", "SHIPPED", nil},
			hops: map[tracegraph.ID][]hop{"Box:B1": {{other: "Unit:U1", label: tracegraph.LabelUnit, status: "SHIPPED",
				edge: tracegraph.Edge{ID: 7, Type: tracegraph.EdgeContains, Source: "Box:B1", Target: "Unit:U1", Precision: tracegraph.PrecisionExact, ValidFrom: from}}}}},
		{name: "voided start node", row: []any{"Unit:U1", nil, nil, nil, nil, "IN_PROCESS", false, true},
			hops: map[tracegraph.ID][]hop{"Unit:U1": nil}},
		{name: "node without edges", row: []any{"Box:B1", nil, nil, nil, nil, nil, nil},
			hops: map[tracegraph.ID][]hop{"Box:B1": nil}},
		{name: "not a list", row: "Unit:U1", wantErr: "not a list"},
		{name: "short", row: []any{"Unit:U1", nil, nil}, wantErr: "not a list of 7 or 8"},
		{name: "from not a string", row: []any{int64(1), nil, nil, nil, nil, nil, nil}, wantErr: "wrong type"},
		{name: "rel not a map", row: []any{"Unit:U1", "CONSUMED", "x", "MaterialLot:L1", nil, nil, false}, wantErr: "wrong type"},
		{name: "edge without eid", row: []any{"Unit:U1", "CONSUMED", map[string]any{}, "MaterialLot:L1", nil, nil, false}, wantErr: "without an eid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hops, starts := map[tracegraph.ID][]hop{}, map[tracegraph.ID]nodeInfo{}
			if tc.plain {
				starts = nil
			}
			err := addLevelRow(hops, starts, tc.row, tc.up)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
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
