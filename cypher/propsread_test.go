package cypher

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestSetPropsAgreesWithDecodeNode checks ReadProps's decoding of a row
// against decodeNode on the same stored properties: plain values, JSON
// ones, reserved names (stored as JSON only), numbers the driver hands
// back as int64, moments, absent keys.
func TestSetPropsAgreesWithDecodeNode(t *testing.T) {
	at := time.Date(2026, 1, 5, 14, 40, 56, 496e6, time.UTC)
	tests := []struct {
		name   string
		stored map[string]any
	}{
		{"plain", map[string]any{"partNumber": "PN-1", "quantity": 3000.0, "flag": true}},
		{"driver values", map[string]any{"count": int64(5), "since": at, "tags": []any{"a", int64(2)}}},
		{"JSON", map[string]any{"_json_refDes": `["R1","R2"]`, "_json_measurements": `[{"name":"vcc","value":3.3}]`, "_json_firmware": `{"version":"1.2"}`}},
		{"reserved names", map[string]any{"_json_id": `"x"`, "_json_key": `1`, "_json__label": `"y"`, "_json__json_z": `"z"`}},
		{"system only", map[string]any{"_fw_version": "1.2", "_seq": int64(3)}},
	}
	keys := []string{"partNumber", "quantity", "flag", "count", "since", "tags", "refDes", "measurements", "firmware",
		"id", "key", "_label", "_json_z", "_fw_version", "_seq", "missing"}
	names := storedNames(keys)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := map[string]any{"id": "Unit:SN1", "key": "SN1", "_label": "Unit"}
			for k, v := range tt.stored {
				stored[k] = v
			}
			n, err := decodeNode(stored)
			if err != nil {
				t.Fatal(err)
			}
			row := []any{"Unit:SN1"}
			for _, name := range names {
				row = append(row, stored[name])
			}
			found := make([]bool, 2)
			got := make([]tracegraph.PropValue, 2*len(keys))
			if err := setProps(row, keys, map[tracegraph.ID][]int{"Unit:SN1": {1}}, found, got); err != nil {
				t.Fatal(err)
			}
			if found[0] || !found[1] {
				t.Fatalf("found = %v, want [false true]", found)
			}
			for k, key := range keys {
				v, ok := n.Props[key]
				if want := tracegraph.PropValueOf(v, ok); got[len(keys)+k] != want {
					t.Errorf("%s = %+v, want %+v", key, got[len(keys)+k], want)
				}
			}
		})
	}
	for _, bad := range []any{"x", []any{"Unit:SN1"}, append([]any{nil}, make([]any, len(names))...),
		append([]any{"Unit:SN1", nil}, append([]any{true}, make([]any, len(names)-2)...)...)} {
		if err := setProps(bad, keys, map[tracegraph.ID][]int{"Unit:SN1": {0}}, make([]bool, 1), make([]tracegraph.PropValue, len(keys))); err == nil {
			t.Errorf("setProps(%v) = nil, want an error", bad)
		}
	}
}

// TestReadPropsAgreesWithNodes is ReadProps's differential test against a
// real server: for every node of a generated factory, a unit of its
// own voided, and ids missing, voided and asked twice, it reports
// what the props of Nodes say, for every property any node has.
func TestReadPropsAgreesWithNodes(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	var evs []*tracegraph.Event
	if _, err := factory.Generate(ctx, factory.Config{Units: 60, Seed: 3}, func(e *tracegraph.Event) error {
		evs = append(evs, e)
		return e.Normalize()
	}); err != nil {
		t.Fatal(err)
	}
	// Two units of their own, one of them voided.
	last := evs[len(evs)-1].Time
	for i, ev := range []struct {
		id      string
		typ     tracegraph.EventType
		payload map[string]any
	}{
		{"mk-lone-1", tracegraph.EventUnitCreated, map[string]any{"serial": "LONE-1", "partNumber": "PCBA-1"}},
		{"mk-lone-2", tracegraph.EventUnitCreated, map[string]any{"serial": "LONE-2", "partNumber": "PCBA-1", "workOrder": "WO-L"}},
		{"void-lone-2", tracegraph.EventVoided, map[string]any{"event": "mk-lone-2", "reason": "ReadProps test"}},
	} {
		e, err := storetest.NewEvent(ev.id, ev.typ, last.Add(time.Duration(i+1)*time.Second), ev.payload)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	for i := 0; i < len(evs); i += 500 {
		if _, err := s.Apply(ctx, evs[i:min(i+500, len(evs))], tracegraph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := nodeIDs(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	voided, err := voidedIDs(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(voided) == 0 {
		t.Fatal("no voided node: the test voids too little")
	}
	ids = append(append(ids, voided...), "Unit:NOPE", ids[0], ids[len(ids)/2])
	nodes, err := s.Nodes(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"id", "key", "_label", "missing"}
	for _, n := range nodes {
		if n == nil {
			continue
		}
		for k := range n.Props {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	found := make([]bool, len(ids))
	got := make([]tracegraph.PropValue, len(ids)*len(keys))
	if err := s.ReadProps(ctx, ids, keys, found, got); err != nil {
		t.Fatal(err)
	}
	want := make([]tracegraph.PropValue, len(ids)*len(keys))
	wantFound := make([]bool, len(ids))
	kinds := map[tracegraph.PropKind]int{}
	for i, n := range nodes {
		if n == nil {
			continue
		}
		wantFound[i] = true
		for k, key := range keys {
			v, ok := n.Props[key]
			want[i*len(keys)+k] = tracegraph.PropValueOf(v, ok)
			kinds[want[i*len(keys)+k].Kind]++
		}
	}
	if !reflect.DeepEqual(found, wantFound) {
		t.Fatalf("found = %v, want %v", found, wantFound)
	}
	for i := range ids {
		if found[i] && !reflect.DeepEqual(got[i*len(keys):(i+1)*len(keys)], want[i*len(keys):(i+1)*len(keys)]) {
			t.Errorf("%s: ReadProps = %+v, want %+v", ids[i], got[i*len(keys):(i+1)*len(keys)], want[i*len(keys):(i+1)*len(keys)])
		}
	}
	if kinds[tracegraph.PropString] == 0 || kinds[tracegraph.PropNumber] == 0 || kinds[tracegraph.PropOther] == 0 {
		t.Errorf("kinds of values compared %v: the factory lacks some", kinds)
	}
}
