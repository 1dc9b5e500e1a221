package cypher

import (
	"reflect"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

func TestNodePropsRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]any
		// stored lists the Neo4j properties expected besides the system ones.
		stored map[string]any
	}{
		{"primitives", map[string]any{"serial": "SN1", "quantity": 3000.0, "flag": true},
			map[string]any{"serial": "SN1", "quantity": 3000.0, "flag": true}},
		{"nested as JSON", map[string]any{"identifiers": map[string]any{"IMEI": "356938035643809"}, "refDes": []any{"R1", "R2"}},
			map[string]any{"_json_identifiers": `{"IMEI":"356938035643809"}`, "_json_refDes": `["R1","R2"]`}},
		{"reserved names escaped", map[string]any{"id": "x", "key": 1.0, "_label": "y"},
			map[string]any{"_json_id": `"x"`, "_json_key": `1`, "_json__label": `"y"`}},
		{"measurements", map[string]any{"measurements": []any{map[string]any{"name": "vcc", "value": 3.3}}},
			map[string]any{"_json_measurements": `[{"name":"vcc","value":3.3}]`}},
		{"empty", map[string]any{}, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &tracegraph.Node{ID: "Unit:SN1", Label: tracegraph.LabelUnit, Props: tt.props, CreatedBy: "ev-1", Version: 7}
			stored, err := encodeProps(n)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"id": "Unit:SN1", "key": "SN1", "_label": "Unit", "_createdBy": "ev-1", "_version": int64(7)}
			for k, v := range tt.stored {
				want[k] = v
			}
			if !reflect.DeepEqual(stored, want) {
				t.Errorf("encodeProps = %#v, want %#v", stored, want)
			}
			// What Neo4j hands back also has the place and maybe a voided flag.
			back := map[string]any{"_seq": int64(3), "_ord": int64(0)}
			for k, v := range stored {
				back[k] = v
			}
			got, err := decodeNode(back)
			if err != nil {
				t.Fatal(err)
			}
			n.Holds = nil
			if !reflect.DeepEqual(got, n) {
				t.Errorf("decodeNode(encodeProps(n)) = %#v, want %#v", got, n)
			}
		})
	}
}

func TestDecodeNodeValues(t *testing.T) {
	got, err := decodeNode(map[string]any{"id": "MaterialLot:L1", "_label": "MaterialLot", "quantity": int64(5),
		"tags": []any{int64(1), "a"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"quantity": 5.0, "tags": []any{1.0, "a"}}
	if !reflect.DeepEqual(got.Props, want) {
		t.Errorf("decodeNode props = %#v, want %#v (integers as JSON numbers)", got.Props, want)
	}
	if _, err := decodeNode(map[string]any{"key": "x"}); err == nil {
		t.Error("decodeNode without id: no error")
	}
	if _, err := decodeNode(map[string]any{"id": "Unit:x", "_json_a": "{"}); err == nil {
		t.Error("decodeNode with a broken JSON property: no error")
	}
}

func TestEdgeRoundTrip(t *testing.T) {
	from := time.Date(2026, 3, 1, 8, 0, 0, 123456789, time.UTC)
	to := from.Add(time.Hour)
	tests := []tracegraph.Edge{
		{ID: tracegraph.NewEdgeID(42, 3), Type: tracegraph.EdgeConsumed, Source: "Unit:U1", Target: "MaterialLot:L1",
			ValidFrom: from, Precision: tracegraph.PrecisionCandidate, Event: "ev-42",
			Props: map[string]any{"refDes": []any{"R1"}, "quantity": 2.0}},
		{ID: tracegraph.NewEdgeID(43, 0), Type: tracegraph.EdgeContains, Source: "Box:B1", Target: "Unit:U1",
			ValidFrom: from, ValidTo: to, ClosedBy: "ev-50", CloseReason: "repack", Precision: tracegraph.PrecisionExact,
			Event: "ev-43", Voided: true},
	}
	for _, e := range tests {
		m, err := encodeEdge(&e)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m[relValidTo]; ok != !e.ValidTo.IsZero() {
			t.Errorf("encodeEdge(%d) validTo present = %v, want %v", e.ID, ok, !e.ValidTo.IsZero())
		}
		got, err := decodeEdge(string(e.Type), m, string(e.Source), string(e.Target))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("decodeEdge(encodeEdge(e)) =\n%#v\nwant\n%#v", got, e)
		}
	}
}

func TestEdgeStateLeavesProps(t *testing.T) {
	e := tracegraph.Edge{ID: tracegraph.NewEdgeID(5, 1), Type: tracegraph.EdgeContains, Source: "Unit:A", Target: "Component:C",
		ValidFrom: time.Unix(0, 0).UTC(), Props: map[string]any{"position": "U7"}}
	row, err := edgeState(&e)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"eid": int64(e.ID), "voided": false, "validTo": nil, "closedBy": nil, "closeReason": nil}
	if !reflect.DeepEqual(row, want) {
		t.Errorf("edgeState(open edge) = %#v, want %#v", row, want)
	}
}

func TestPrecisions(t *testing.T) {
	tests := []struct {
		min  tracegraph.Precision
		want []string
	}{
		{tracegraph.PrecisionUnknown, []string{"ORDER", "CANDIDATE", "EXACT"}},
		{tracegraph.PrecisionCandidate, []string{"CANDIDATE", "EXACT"}},
		{tracegraph.PrecisionExact, []string{"EXACT"}},
	}
	for _, tt := range tests {
		if got := precisionsFrom(tt.min); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("precisionsFrom(%v) = %v, want %v", tt.min, got, tt.want)
		}
	}
	if got := precisionName(tracegraph.PrecisionUnknown); got != "EXACT" {
		t.Errorf("precisionName(unknown) = %q, want EXACT", got)
	}
}

func TestDecodeHoldsOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := []any{
		map[string]any{"id": "h2", "source": "MaterialLot:L1", "reason": "b", "since": t0.Add(time.Hour), "seq": int64(9), "ord": int64(0)},
		map[string]any{"id": "h1", "source": "Unit:U1", "reason": "a", "since": t0, "seq": int64(4), "ord": int64(2)},
	}
	got, err := decodeHolds(rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "h1" || got[1].ID != "h2" || got[1].Source != "MaterialLot:L1" || !got[0].Since.Equal(t0) {
		t.Errorf("decodeHolds = %+v, want h1 then h2", got)
	}
}

func TestCursor(t *testing.T) {
	seq, ord, err := parseCursor(cursor(12, 3))
	if err != nil || seq != 12 || ord != 3 {
		t.Errorf("parseCursor(cursor(12, 3)) = %d, %d, %v", seq, ord, err)
	}
	if seq, ord, err := parseCursor(""); err != nil || seq != 0 || ord != -1 {
		t.Errorf(`parseCursor("") = %d, %d, %v; want 0, -1, nil`, seq, ord, err)
	}
	for _, bad := range []string{"x", "n1", "n-1.2", "u5", "n1.x"} {
		if _, _, err := parseCursor(bad); tracegraph.ErrorCode(err) != tracegraph.CodeInvalid {
			t.Errorf("parseCursor(%q) error = %v, want INVALID", bad, err)
		}
	}
}

func TestRedact(t *testing.T) {
	if got := redact("neo4j://neo4j:secret@db:7687"); got != "neo4j://…@db:7687" {
		t.Errorf("redact = %q", got)
	}
	if got := redact("bolt://db:7687"); got != "bolt://db:7687" {
		t.Errorf("redact = %q", got)
	}
}
