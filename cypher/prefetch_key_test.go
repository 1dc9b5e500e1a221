package cypher

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestFillKeysAsNodeGet: the prefetch's lookup of bare codes by key
// (nodes_by_key, one seek per key) caches, for every label, what node_get
// answers for the id Label:key: the same key under several labels, a
// voided node (nil), a node with holds, a key no node has.
func TestFillKeysAsNodeGet(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	evs, err := storetest.ParseEvents(`
0 rcv-k1  lot.received   {"lot":"K1","partNumber":"R-10K","supplier":"ACME"}
1 mk-k1   unit.created   {"serial":"K1","partNumber":"PCBA-1"}
1 mk-k2   unit.created   {"serial":"K2","partNumber":"PCBA-1"}
1 mk-k3   unit.created   {"serial":"K3","partNumber":"PCBA-1"}
2 pk-k1   packed         {"container":"K1","items":["K3"]}
3 hold-k1 hold.placed    {"target":"Unit:K1","hold":"H1","reason":"retest"}
4 void-k2 event.voided   {"event":"mk-k2","reason":"entered twice"}`)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := s.Apply(ctx, evs, tracegraph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != tracegraph.OutcomeAccepted {
			t.Fatalf("event %s %s: %v", o.ID, o.Status, o.Error)
		}
	}
	keys := []string{"K1", "K2", "K3", "NONE", "PCBA-1", "ACME"}
	var ids []tracegraph.ID
	for _, k := range keys {
		for _, l := range tracegraph.Labels {
			ids = append(ids, tracegraph.NewID(l, k))
		}
	}
	rollback := errors.New("rollback")
	err = s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		rd := newTxReader(s, tx)
		absent, err := rd.fillKeys(ctx, keys)
		if err != nil {
			return err
		}
		want, err := s.getNodes(ctx, tx, ids)
		if err != nil {
			return err
		}
		found := 0
		for _, id := range ids {
			got, ok := rd.nodes[id]
			if !ok {
				t.Errorf("%s: not cached by fillKeys", id)
				continue
			}
			if !reflect.DeepEqual(got, want[id]) {
				t.Errorf("%s: fillKeys cached %+v, node_get reads %+v", id, got, want[id])
			}
			if got != nil {
				found++
			}
		}
		if len(rd.nodes) != len(ids) {
			t.Errorf("fillKeys cached %d ids, want %d", len(rd.nodes), len(ids))
		}
		// Unit:K1 (on hold), MaterialLot:K1, Box:K1, Unit:K3 and the part
		// number's and supplier's nodes; Unit:K2 is voided.
		if found < 5 || rd.nodes["Unit:K2"] != nil || rd.nodes["Unit:K1"] == nil || len(rd.nodes["Unit:K1"].Holds) != 1 {
			t.Errorf("%d live nodes found, Unit:K1 %+v, Unit:K2 %+v: the graph does not hold what the test means", found, rd.nodes["Unit:K1"], rd.nodes["Unit:K2"])
		}
		// Absent: no node at all under that id, live or voided (the writes
		// create those rather than merge them).
		for _, id := range ids {
			if want := rd.nodes[id] == nil && id != "Unit:K2"; absent(id) != want {
				t.Errorf("%s: absent = %v, want %v", id, absent(id), want)
			}
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
}
