package embedded

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// encodeNodeJSON is how stores wrote node records before the binary ones.
func encodeNodeJSON(n *tracegraph.Node, voided bool) []byte {
	b, _ := json.Marshal(nodeRec{Label: n.Label, Props: n.Props, CreatedBy: n.CreatedBy, Version: n.Version, Voided: voided})
	return b
}

// sameAsJSON fails t unless the binary record of a node with props, and
// the edge properties props, decode to what their JSON records decoded to.
func sameAsJSON(t *testing.T, props map[string]any) {
	t.Helper()
	n := &tracegraph.Node{ID: "Unit:U1", Label: tracegraph.LabelUnit, Props: props, CreatedBy: "e1", Version: 7}
	bin, err := appendNode(nil, n, true)
	if err != nil {
		t.Fatalf("appendNode(%#v): %v", props, err)
	}
	got, gotVoided, err := decodeNode(n.ID, bin)
	if err != nil {
		t.Fatalf("decodeNode(binary of %#v): %v", props, err)
	}
	want, wantVoided, err := decodeNode(n.ID, encodeNodeJSON(n, true))
	if err != nil {
		t.Fatalf("decodeNode(JSON of %#v): %v", props, err)
	}
	if !reflect.DeepEqual(got, want) || gotVoided != wantVoided {
		t.Errorf("node with props %#v:\nbinary decodes to %#v\nJSON decodes to   %#v", props, got, want)
	}
	gotProps, err := appendProps(nil, props)
	if err != nil {
		t.Fatalf("appendProps(%#v): %v", props, err)
	}
	gp, err := decodeProps(gotProps)
	if err != nil {
		t.Fatalf("decodeProps(binary of %#v): %v", props, err)
	}
	var wp map[string]any
	if len(props) > 0 {
		j, _ := json.Marshal(props)
		if wp, err = decodeProps(j); err != nil {
			t.Fatalf("decodeProps(JSON of %#v): %v", props, err)
		}
	}
	if !reflect.DeepEqual(gp, wp) {
		t.Errorf("edge props %#v:\nbinary decodes to %#v\nJSON decodes to   %#v", props, gp, wp)
	}
}

// TestBinaryRecordsDecodeAsJSON: a binary record decodes to exactly what
// its JSON record did, whatever the Go values the rules put in.
func TestBinaryRecordsDecodeAsJSON(t *testing.T) {
	type point struct {
		X int    `json:"x"`
		Y string `json:"y,omitempty"`
	}
	for _, props := range []map[string]any{
		nil,
		{},
		{"partNumber": "PN-1", "status": "ASSEMBLED", "qty": 3.0, "ok": true, "no": false, "nothing": nil},
		{"neg": -0.0, "tiny": 5e-324, "big": 1.7976931348623157e308, "frac": 0.1},
		{"int": 42, "int64": int64(1)<<62 + 1, "uint8": uint8(7), "f32": float32(0.1), "num": json.Number("12.50")},
		{"html": "<a&b>", "unicode": "é\u2028\U0001F600", "ctl": "\x00\x1f", "bad": "a\xffb", "empty": ""},
		{"list": []any{1.0, "x", nil, []any{}, map[string]any{}}, "strs": []string{"a", "b"}, "nilList": []any(nil),
			"nilMap": map[string]any(nil), "typedMap": map[string]string{"k": "v"}, "ints": []int{1, 2}},
		{"time": time.Date(2026, 3, 2, 8, 0, 0, 5, time.UTC), "struct": point{X: 1}, "ptr": &point{Y: "y"}, "nilPtr": (*point)(nil)},
		{"nested": map[string]any{"firmware": map[string]any{"version": "2.0"}, "ms": []any{map[string]any{"name": "VCC", "value": 3.3}}}},
		{"a\xffb": 1.0, "a\xfeb": 2.0, "ok": "both bad keys become one"},
		{"inner": map[string]any{"x\xff": "bad key inside", "y": []any{"z\xfe"}}},
		{"bytes": []byte("raw"), "raw": json.RawMessage(`{"b":1,"a":[true]}`)},
	} {
		sameAsJSON(t, props)
	}
}

// TestBinaryRecordsRefuseWhatJSONCannotHold: a number JSON cannot write
// is an error, never a record.
func TestBinaryRecordsRefuseWhatJSONCannotHold(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), []any{math.Inf(-1)}, map[string]any{"x": math.NaN()}, make(chan int)} {
		n := &tracegraph.Node{ID: "Unit:U1", Label: tracegraph.LabelUnit, Props: map[string]any{"v": v}}
		if b, err := appendNode(nil, n, false); err == nil {
			t.Errorf("appendNode with %v = %x, want an error", v, b)
		}
		if b, err := appendProps(nil, map[string]any{"v": v}); err == nil {
			t.Errorf("appendProps with %v = %x, want an error", v, b)
		}
	}
}

// TestBinaryRecordsRefuseDamage: a cut or altered binary record is an error.
func TestBinaryRecordsRefuseDamage(t *testing.T) {
	n := &tracegraph.Node{ID: "Unit:U1", Label: tracegraph.LabelUnit, CreatedBy: "e1",
		Props: map[string]any{"list": []any{1.0, "x", true, map[string]any{"k": nil}}}}
	b, err := appendNode(nil, n, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(b) {
		if _, _, err := decodeNode(n.ID, b[:i]); err == nil {
			t.Errorf("decodeNode of the first %d of %d bytes = nil error", i, len(b))
		}
	}
	if _, _, err := decodeNode(n.ID, append(b[:len(b):len(b)], 0)); err == nil {
		t.Error("decodeNode with a byte after the record = nil error")
	}
	bad := append([]byte(nil), b...)
	bad[len(bad)-1-len("k")-1] = 0x42 // the tag of the inner map's value
	if _, err := decodeProps(append([]byte{vObject}, bad[len(bad)-12:]...)); err == nil {
		t.Error("decodeProps of a damaged record = nil error")
	}
}

// FuzzBinaryRecordsDecodeAsJSON builds property maps from the fuzzer's
// bytes (any value type, strings that may not be UTF-8) and checks that the
// binary records decode to what the JSON ones did.
func FuzzBinaryRecordsDecodeAsJSON(f *testing.F) {
	f.Add([]byte("\x06\x02a\x04b\x03\x01\x02\x03\x04\x05\x06\x07\x08"))
	f.Add([]byte("\x05\x03\x00\x01\x02\x07\x09\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &valueGen{b: data}
		props := map[string]any{}
		for i := 0; len(g.b) > 0 && i < 8; i++ {
			props[g.str()] = g.value(0)
		}
		if _, err := json.Marshal(props); err != nil {
			return // NaN or Inf: TestBinaryRecordsRefuseWhatJSONCannotHold
		}
		sameAsJSON(t, props)
	})
}

// valueGen makes Go values from bytes.
type valueGen struct{ b []byte }

func (g *valueGen) byte() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

func (g *valueGen) str() string {
	n := min(int(g.byte()%8), len(g.b))
	s := string(g.b[:n])
	g.b = g.b[n:]
	return s
}

func (g *valueGen) u64() uint64 {
	var x [8]byte
	for i := range x {
		x[i] = g.byte()
	}
	return binary.LittleEndian.Uint64(x[:])
}

func (g *valueGen) value(depth int) any {
	switch t := g.byte() % 12; {
	case t == 0:
		return nil
	case t == 1:
		return g.byte()%2 == 0
	case t == 2:
		return math.Float64frombits(g.u64())
	case t == 3:
		return float64(int64(g.u64()) >> (g.byte() % 64))
	case t == 4:
		return int64(g.u64())
	case t == 5:
		return float32(math.Float64frombits(g.u64()))
	case t == 6 && depth < 4:
		m := map[string]any{}
		for n := g.byte() % 4; n > 0; n-- {
			m[g.str()] = g.value(depth + 1)
		}
		return m
	case t == 7 && depth < 4:
		a := make([]any, g.byte()%4)
		for i := range a {
			a[i] = g.value(depth + 1)
		}
		return a
	case t == 8:
		return []string{g.str(), g.str()}
	case t == 9:
		return map[string]string{g.str(): g.str()}
	}
	return g.str()
}

// toJSONRecords rewrites every node record and every edge's properties of
// the store in dir as stores wrote them before the binary records.
func toJSONRecords(t *testing.T, dir string) (nodes, edges int) {
	t.Helper()
	tamper(t, dir, func(db *pebble.DB) error {
		b := db.NewBatch()
		it, err := db.NewIter(nil)
		if err != nil {
			return err
		}
		for it.First(); it.Valid(); it.Next() {
			k, v := it.Key(), it.Value()
			switch k[0] {
			case pNode:
				n, voided, err := decodeNodeBinary(tracegraph.ID(k[1:]), v)
				if err != nil {
					return err
				}
				b.Set(k, encodeNodeJSON(n, voided), nil)
				nodes++
			case pEdge:
				r, err := decodeEdge(v)
				if err != nil {
					return err
				}
				if len(r.props) == 0 {
					continue
				}
				props, err := decodeProps(r.props)
				if err != nil {
					return err
				}
				r.props, _ = json.Marshal(props)
				b.Set(k, encodeEdge(r), nil)
				edges++
			}
		}
		if err := it.Close(); err != nil {
			return err
		}
		return b.Commit(pebble.Sync)
	})
	return nodes, edges
}

// graphText is every node (its record decoded) and every node's edges with
// their history and properties, as text.
func graphText(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	rd := &reader{s: s}
	var out strings.Builder
	err := s.scan([]byte{pNode}, func(k, _ []byte) error {
		id := tracegraph.ID(k[1:])
		n, err := rd.GetNode(ctx, id)
		if err != nil {
			return err
		}
		es, err := rd.NodeEdges(ctx, id, tracegraph.Both, true)
		if err != nil {
			return err
		}
		j, _ := json.Marshal(struct {
			N *tracegraph.Node
			E []tracegraph.Edge
		}{n, es})
		fmt.Fprintf(&out, "%s\n", j)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestJSONRecordsStillRead: a store whose node and edge records were
// written in JSON (before the binary records) opens, answers exactly as
// the binary one, verifies intact, rebuilds its indexes from the JSON
// records, takes new events over them (voids rewrite a JSON node record and
// an edge record with JSON properties) and backs up.
func TestJSONRecordsStillRead(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	evs := append(indexedFactory(t), verifiedFactory(t)[len(smallFactory(t)):]...)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, evs[:len(evs)-1]...)
	wantGraph, wantAnswers := graphText(t, s), answers(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	nodes, edges := toJSONRecords(t, dir)
	if nodes == 0 || edges == 0 {
		t.Fatalf("rewrote %d node and %d edge records in JSON, want some of each", nodes, edges)
	}
	tamper(t, dir, func(db *pebble.DB) error { // and the indexes rebuilt from them
		for _, p := range []byte{pMaterialIx, pRecordIx} {
			if err := db.DeleteRange([]byte{p}, []byte{p + 1}, nil); err != nil {
				return err
			}
		}
		return db.Delete([]byte(ixKey), pebble.Sync)
	})

	s, err = Open(dir, Options{NodeCacheEntries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := graphText(t, s); got != wantGraph {
		t.Errorf("the graph read from JSON records:\n%s\nwant (from binary ones):\n%s", got, wantGraph)
	}
	if got := answers(t, s); got != wantAnswers {
		t.Errorf("answers from JSON records = %s, want %s", got, wantAnswers)
	}
	var ids []tracegraph.ID // ReadProps reads JSON records as Nodes does
	for i := range uint32(s.t.nodeCount()) {
		ids = append(ids, s.t.name(i))
	}
	want, err := s.Nodes(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	checkReadProps(t, s, ids, want)
	if rep, err := s.Verify(ctx, tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
		t.Errorf("Verify of JSON records = %+v, %v; want intact", rep, err)
	}
	mustApply(t, s, evs[len(evs)-1]) // the void
	mustApply(t, s, ev(t, "x9", tracegraph.EventVoided, 30, map[string]any{"event": "m1", "reason": "wrong lot"}))
	closedJSON := 0
	s.scan([]byte{pEdge}, func(_, v []byte) error {
		if r, err := decodeEdge(v); err == nil && r.meta&emVoided != 0 && len(r.props) > 0 && r.props[0] == '{' {
			closedJSON++
		}
		return nil
	})
	if closedJSON == 0 {
		t.Error("no edge with JSON properties was voided: the test does not cover that case")
	}
	if rep, err := s.Verify(ctx, tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
		t.Errorf("Verify after new events over JSON records = %+v, %v; want intact", rep, err)
	}
	if _, err := s.Backup(ctx, t.TempDir()+"/backup"); err != nil {
		t.Errorf("Backup of a store with JSON records: %v", err)
	}

	// verify still sees a JSON record that differs from the log.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tamper(t, dir, func(db *pebble.DB) error {
		k, v, err := firstKey(db, []byte{pNode})
		if err != nil {
			return err
		}
		n, voided, err := decodeNode(tracegraph.ID(k[1:]), v)
		if err != nil {
			return err
		}
		n.Version++
		return db.Set(k, encodeNodeJSON(n, voided), pebble.Sync)
	})
	rep, err := VerifyDir(ctx, dir, tracegraph.VerifyOptions{})
	if err != nil || rep.OK() {
		t.Errorf("VerifyDir with a JSON node record changed = %+v, %v; want it reported", rep, err)
	}
}
