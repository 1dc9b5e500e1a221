package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// randomProp returns a random property value of the kinds records hold,
// nested up to depth.
func randomProp(r *rand.Rand, depth int) any {
	switch r.IntN(8) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return r.NormFloat64() * 1e6
	case 3:
		return float64(r.IntN(100))
	case 4:
		if depth > 0 {
			a := make([]any, r.IntN(4))
			for i := range a {
				a[i] = randomProp(r, depth-1)
			}
			return a
		}
	case 5:
		if depth > 0 {
			m := map[string]any{}
			for range r.IntN(4) {
				m[fmt.Sprintf("k%d", r.IntN(6))] = randomProp(r, depth-1)
			}
			return m
		}
	case 6:
		return ""
	}
	return strings.Repeat("x<\u2028é", r.IntN(4)) + fmt.Sprint(r.IntN(1000))
}

// TestScanPropsIsDecode: scanProps reads from a binary record what
// decodeNode's props give through PropValueOf, for random props (nested
// lists and objects, empty strings, every kind), for keys present, absent,
// and sharing first bytes; and it reads nothing from a voided record, a
// JSON record, or any truncation of a record.
func TestScanPropsIsDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 5))
	names := []string{"a", "ab", "abc", "b", "partNumber", "part", "status", "step", "zz", "é", "k1"}
	for trial := range 500 {
		props := map[string]any{}
		for range r.IntN(8) {
			props[names[r.IntN(len(names))]] = randomProp(r, 3)
		}
		n := &tracegraph.Node{ID: "Unit:U1", Label: tracegraph.LabelUnit, Props: props, CreatedBy: "ev-1", Version: uint64(r.IntN(300))}
		voided := trial%17 == 0
		rec, err := appendNode(nil, n, voided)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, k := range names {
			if r.IntN(2) == 0 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		vals := make([]tracegraph.PropValue, len(keys))
		for k := range vals {
			vals[k] = tracegraph.PropValue{Kind: tracegraph.PropOther, Str: "stale"} // scanProps sets every one
		}
		ok := scanProps(rec, newKeyIndex(keys), vals)
		if ok == voided {
			t.Fatalf("scanProps(%v, voided %v) = %v", props, voided, ok)
		}
		if ok {
			dec, _, err := decodeNode(n.ID, rec)
			if err != nil {
				t.Fatal(err)
			}
			for k, key := range keys {
				v, in := dec.Props[key]
				if want := tracegraph.PropValueOf(v, in); vals[k] != want {
					t.Errorf("scanProps(%v)[%q] = %+v, want %+v", props, key, vals[k], want)
				}
			}
		}
		for cut := range len(rec) {
			clear(vals)
			if scanProps(rec[:cut], newKeyIndex(keys), vals) {
				t.Errorf("scanProps(record cut at %d of %d) = true, want false", cut, len(rec))
			}
		}
	}
	json := []byte(`{"l":"Unit","p":{"partNumber":"X"}}`)
	if scanProps(json, newKeyIndex([]string{"partNumber"}), make([]tracegraph.PropValue, 1)) {
		t.Error("scanProps(JSON record) = true, want false")
	}
}

// TestReadPropsWhileWriting: ReadProps running beside commits that rewrite,
// void and hold the nodes it reads (run with -race) answers, for every id,
// either the node as Nodes gives it before the writes or as after, never
// an error or a mix of the two within one node.
func TestReadPropsWhileWriting(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir(), Options{NodeCacheEntries: 4, WarmRecords: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	applyFixture(t, s, nodesFixture(12))
	ids := []tracegraph.ID{"Unit:U7", "MaterialLot:L1", "Unit:U2", "MaterialLot:L2", "Unit:U5", "Unit:U11"}
	keys := []string{"partNumber", "status", "supplier", "workOrder"}
	rows := func() [][]tracegraph.PropValue {
		ns, err := s.Nodes(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]tracegraph.PropValue, len(ns))
		for i, n := range ns {
			if n != nil {
				for _, k := range keys {
					v, ok := n.Props[k]
					out[i] = append(out[i], tracegraph.PropValueOf(v, ok))
				}
			}
		}
		return out
	}
	before := rows()
	writes, err := storetest.ParseEvents(`6 sc-u7 unit.scrapped {"unit":"U7","reason":"cracked"}
7 hold-l2 hold.placed {"target":"L2","reason":"supplier alert"}
8 void-u2-l1 event.voided {"event":"u2-l1","reason":"wrong reel"}
8 void-u2 event.voided {"event":"mk-u2","reason":"duplicate"}
9 sc-u5 unit.scrapped {"unit":"U5","reason":"dropped"}`)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		var err error
		for _, ev := range writes { // one commit each
			var outs []tracegraph.Outcome
			if outs, err = s.Apply(ctx, []*tracegraph.Event{ev}, tracegraph.ApplyOptions{}); err == nil && outs[0].Status != tracegraph.OutcomeAccepted {
				err = fmt.Errorf("event %q: %s %v", outs[0].ID, outs[0].Status, outs[0].Error)
			}
			if err != nil {
				break
			}
		}
		done <- err
	}()
	var seen [][][]tracegraph.PropValue
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
		}
		found := make([]bool, len(ids))
		out := make([]tracegraph.PropValue, len(ids)*len(keys))
		if err := s.ReadProps(ctx, ids, keys, found, out); err != nil {
			t.Fatal(err)
		}
		got := make([][]tracegraph.PropValue, len(ids))
		for i := range ids {
			if found[i] {
				got[i] = out[i*len(keys) : (i+1)*len(keys)]
			}
		}
		seen = append(seen, got)
	}
	after := rows()
	for _, got := range seen {
		for i := range ids {
			if !slices.Equal(got[i], before[i]) && !slices.Equal(got[i], after[i]) {
				t.Errorf("ReadProps of %s during writes = %+v, want %+v (before) or %+v (after)", ids[i], got[i], before[i], after[i])
			}
		}
	}
	if slices.EqualFunc(before, after, slices.Equal) {
		t.Error("the writes changed nothing ReadProps reads: the test proves nothing")
	}
}
