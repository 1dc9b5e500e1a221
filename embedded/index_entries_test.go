package embedded

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// indexEntriesBefore is indexEntries as it was before ixWriter (each key
// and the measurements' map in memory of their own): the reference
// TestIndexEntriesMatchBefore compares ixWriter with.
func indexEntriesBefore(n *tracegraph.Node) []ixEntry {
	var out []ixEntry
	switch {
	case n.Label.IsMaterial():
		dc := n.Str(propDateCode)
		for _, p := range materialIxProps {
			if v := n.Str(p); v != "" {
				out = append(out, ixEntry{k: materialIxKey(p, v, dc, n.ID)})
			}
		}
		if dc != "" {
			out = append(out, ixEntry{k: strKey(pMaterialIx, propDateCode, dc, string(n.ID))})
		}
	case n.Label == tracegraph.LabelProcessStep || n.Label == tracegraph.LabelTestRun:
		at := n.Time("at")
		if at.IsZero() {
			return nil
		}
		key := func(field, v string) []byte {
			return append(timeKey(recordIxPrefix(field, v), at.UnixNano()), n.ID...)
		}
		add := func(field, v string) {
			if v != "" {
				out = append(out, ixEntry{k: key(field, v)})
			}
		}
		if n.Label == tracegraph.LabelProcessStep {
			add(fStation, n.Str("station"))
			add(fRecipe, n.Str("recipe"))
			add(fStep, n.Str("step"))
			break
		}
		tt := n.Str("testType")
		add(fTestType, tt)
		fw, _ := n.Props["firmware"].(map[string]any)
		v, _ := fw["version"].(string)
		c, _ := fw["checksum"].(string)
		add(fFirmware, v)
		add(fChecksum, c)
		ms, _ := n.Props["measurements"].([]any)
		var names []string
		vals := map[string][]byte{}
		for _, x := range ms {
			m, _ := x.(map[string]any)
			name, _ := m["name"].(string)
			if name == "" || tt == "" {
				continue
			}
			if b, ok := measureValue(vals[name], m); ok {
				if _, seen := vals[name]; !seen {
					names = append(names, name)
				}
				vals[name] = b
			}
		}
		for _, name := range names {
			out = append(out, ixEntry{k: key(fMeasure, tt+"\x00"+name), v: vals[name]})
		}
	}
	return out
}

// TestIndexEntriesMatchBefore: one ixWriter, reused from node to node as
// the commit reuses it, makes exactly the entries (keys, values, order)
// the allocating indexEntries made, for every node of a generated factory
// and for odd test and process records (repeated, missing and non-numeric
// measurements, no test type, no time, empty strings, more names than an
// earlier record had).
func TestIndexEntriesMatchBefore(t *testing.T) {
	events, _ := factoryEvents(t, 40, 7)
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	applyAll(t, s, events)
	var nodes []*tracegraph.Node
	if err := s.scan([]byte{pNode}, func(k, v []byte) error {
		n, _, err := decodeNode(tracegraph.ID(k[1:]), v)
		nodes = append(nodes, n)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	at := "2026-03-04T05:06:07.123456789Z"
	m := func(name string, kv ...any) map[string]any {
		out := map[string]any{"name": name}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	odd := []map[string]any{
		{"at": at, "testType": "ICT", "measurements": []any{m("A", "value", 1.0), m("B", "value", 2.0, "low", 1.0), m("A", "value", 3.0, "high", 4.0, "result", "fail"),
			m("C", "value", "x"), m("", "value", 5.0), m("D"), m("E", "value", 6.0), m("F", "value", 7.0), "not a map"}},
		{"at": at, "testType": "ICT", "measurements": []any{m("Z", "value", 1.0)}},
		{"at": at, "measurements": []any{m("A", "value", 1.0)}, "firmware": map[string]any{"version": "1.0", "checksum": "ab"}},
		{"testType": "ICT", "measurements": []any{m("A", "value", 1.0)}},
		{"at": "not a time", "testType": "ICT"},
		{"at": at, "testType": "", "firmware": map[string]any{"version": "", "checksum": 3.0}},
		{"at": "1969-12-31T23:59:59.5Z", "testType": "FCT", "measurements": []any{m("X\x01", "value", -0.0, "low", -1.0, "high", 1e300)}},
	}
	for i, p := range odd {
		nodes = append(nodes, &tracegraph.Node{ID: tracegraph.ID(fmt.Sprintf("TR-odd-%d", i)), Label: tracegraph.LabelTestRun, Props: p})
	}
	for i, p := range []map[string]any{{"at": at, "station": "S1", "recipe": "", "step": "reflow"}, {"station": "S1"}, {"at": at}} {
		nodes = append(nodes, &tracegraph.Node{ID: tracegraph.ID(fmt.Sprintf("PS-odd-%d", i)), Label: tracegraph.LabelProcessStep, Props: p})
	}
	var w ixWriter
	labels := map[tracegraph.Label]int{}
	for _, n := range nodes {
		want := indexEntriesBefore(n)
		var got []ixEntry
		w.each(n, func(k, v []byte) { got = append(got, ixEntry{k: bytes.Clone(k), v: bytes.Clone(v)}) })
		if len(got) != len(want) {
			t.Fatalf("%s (%s): %d entries, want %d", n.ID, n.Label, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i].k, want[i].k) || !bytes.Equal(got[i].v, want[i].v) {
				t.Fatalf("%s entry %d: %q = %x, want %q = %x", n.ID, i, got[i].k, got[i].v, want[i].k, want[i].v)
			}
		}
		if len(want) > 0 {
			labels[n.Label]++
		}
	}
	for _, l := range []tracegraph.Label{tracegraph.LabelTestRun, tracegraph.LabelProcessStep, tracegraph.LabelMaterialLot} {
		if labels[l] == 0 {
			t.Errorf("no %s with index entries compared", l)
		}
	}
}
