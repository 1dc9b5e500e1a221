package embedded

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// nodesFixture has units with properties, lots (one held, holds reaching the
// units that consumed it), a voided unit and a scrapped one.
func nodesFixture(units int) string {
	var b strings.Builder
	b.WriteString(`0 rcv-l1 lot.received {"lot":"L1","partNumber":"IC-9"}
0 rcv-l2 lot.received {"lot":"L2","partNumber":"R-1","supplier":"S <&> \u2028 x"}
`)
	for i := range units {
		fmt.Fprintf(&b, "1 mk-u%d unit.created {\"serial\":\"U%d\",\"partNumber\":\"PCBA-1\",\"workOrder\":\"WO-%d\"}\n", i, i, i%3)
		fmt.Fprintf(&b, "2 u%d-l%d material.consumed {\"unit\":\"U%d\",\"lot\":\"L%d\"}\n", i, 1+i%2, i, 1+i%2)
	}
	b.WriteString(`3 void-u3-l2 event.voided {"event":"u3-l2","reason":"wrong reel"}
3 void-u3 event.voided {"event":"mk-u3","reason":"label misprint"}
4 sc-u4 unit.scrapped {"unit":"U4","reason":"solder bridge"}
5 hold-l1 hold.placed {"target":"L1","reason":"supplier 8D"}
`)
	return b.String()
}

func applyFixture(t *testing.T, s *Store, text string) {
	t.Helper()
	evs, err := storetest.ParseEvents(text)
	if err != nil {
		t.Fatal(err)
	}
	applyAccepted(t, s, evs)
}

// TestViewNodesIsViewNode: Nodes (viewNodes: the cache under one lock, the
// record cache, the others through one iterator) answers what viewNode
// answers for each id, with any cache, for ids in any order, repeated,
// unknown, voided and held, after writes that change nodes already read,
// and in a store opened again (its record cache filled at open, whole or
// in part).
func TestViewNodesIsViewNode(t *testing.T) {
	ctx := context.Background()
	ids := []tracegraph.ID{"Unit:U7", "MaterialLot:L1", "Unit:U3", "Unit:U1", "Unit:NOPE", "Unit:U1",
		"MaterialLot:L2", "Unit:U4", "Unit:U0", "Unit:U10", "Unit:U2", "Unit:U9", "Unit:U8", "Unit:U5", "Unit:U6", "Unit:U11"}
	for _, tc := range []struct {
		name   string
		cache  int
		rec    int64           // Options.RecordCacheBytes
		reopen bool            // the store is closed and opened again after loading
		warm   []tracegraph.ID // read before Nodes, through the cache
		ids    []tracegraph.ID
	}{
		{"no cache", -1, 0, false, nil, ids},
		{"cold cache", 1000, 0, false, nil, ids},
		{"warm cache", 1000, 0, false, ids[:5], ids},
		{"all cached", 1000, 0, false, ids, ids},
		{"cache smaller than the ids", 3, 0, false, ids, ids},
		{"fewer misses than an iterator is worth", 1000, 0, false, ids[3:], ids},
		{"one id", 1000, 0, false, nil, ids[1:2]},
		{"none", 1000, 0, false, nil, nil},
		{"only unknown and voided", 1000, 0, false, nil, []tracegraph.ID{"Unit:NOPE", "Unit:U3", "Box:B1"}},
		{"records, no decoded nodes", 1, 0, false, nil, ids},
		{"records read before", 1, 0, false, ids, ids},
		{"records filled at open", 1, 0, true, nil, ids},
		{"no record cache, reopened", 1000, -1, true, ids[4:], ids},
		{"record cache of one chunk, reopened", 1, recChunkSize, true, nil, ids},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, err := Open(t.TempDir(), Options{NodeCacheEntries: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer ref.Close()
			dir, opts := t.TempDir(), Options{NodeCacheEntries: tc.cache, RecordCacheBytes: tc.rec, WarmRecords: true}
			s, err := Open(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { s.Close() }()
			check := func(when string) {
				t.Helper()
				for _, id := range tc.warm {
					if _, err := s.viewNode(id); err != nil {
						t.Fatal(err)
					}
				}
				got, err := s.Nodes(ctx, tc.ids)
				if err != nil {
					t.Fatal(err)
				}
				want := make([]*tracegraph.Node, len(tc.ids))
				for i, id := range tc.ids {
					if want[i], err = ref.viewNode(id); err != nil {
						t.Fatal(err)
					}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: Nodes(%v) =\n%v\nwant (viewNode of each)\n%v", when, tc.ids, dump(got), dump(want))
				}
				checkReadProps(t, s, tc.ids, want)
			}
			for _, st := range []*Store{ref, s} {
				applyFixture(t, st, nodesFixture(12))
			}
			if tc.reopen {
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				if s, err = Open(dir, opts); err != nil {
					t.Fatal(err)
				}
			}
			check("loaded")
			for _, st := range []*Store{ref, s} {
				applyFixture(t, st, `6 sc-u7 unit.scrapped {"unit":"U7","reason":"cracked"}
7 hold-l2 hold.placed {"target":"L2","reason":"supplier alert"}
8 void-u2-l1 event.voided {"event":"u2-l1","reason":"wrong reel"}
8 void-u2 event.voided {"event":"mk-u2","reason":"duplicate"}`)
			}
			check("after writes to nodes already read")
		})
	}
}

// checkReadProps checks that ReadProps of ids in s reads the props of
// want, the nodes of ids, for every key they have and one none has.
func checkReadProps(t *testing.T, s *Store, ids []tracegraph.ID, want []*tracegraph.Node) {
	t.Helper()
	keys := []string{"zz-none"}
	for _, n := range want {
		if n != nil {
			keys = append(keys, slices.Collect(maps.Keys(n.Props))...)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	found := make([]bool, len(ids))
	out := make([]tracegraph.PropValue, len(ids)*len(keys))
	for i := range out {
		out[i] = tracegraph.PropValue{Kind: tracegraph.PropOther, Str: "stale"} // ReadProps sets every one of the nodes found
	}
	if err := s.ReadProps(context.Background(), ids, keys, found, out); err != nil {
		t.Fatal(err)
	}
	for i, n := range want {
		if found[i] != (n != nil) {
			t.Errorf("ReadProps: found[%d] (%s) = %v, want %v", i, ids[i], found[i], n != nil)
		}
		for k, key := range keys {
			if n == nil {
				break
			}
			v, ok := n.Props[key]
			w := tracegraph.PropValueOf(v, ok)
			if got := out[i*len(keys)+k]; got != w {
				t.Errorf("ReadProps: %s %q = %+v, want %+v", ids[i], key, got, w)
			}
		}
	}
}

func dump(ns []*tracegraph.Node) string {
	var b strings.Builder
	for _, n := range ns {
		if n == nil {
			b.WriteString("  nil\n")
			continue
		}
		fmt.Fprintf(&b, "  %+v\n", *n)
	}
	return b.String()
}

// TestViewNodesCancelled: a cancelled context ends Nodes with its error.
func TestViewNodesCancelled(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	applyFixture(t, s, nodesFixture(12))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ns, err := s.Nodes(ctx, []tracegraph.ID{"Unit:U0"}); err != context.Canceled {
		t.Errorf("Nodes(cancelled) = %v, %v; want context.Canceled", ns, err)
	}
}
