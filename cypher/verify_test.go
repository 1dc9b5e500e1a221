package cypher

import (
	"context"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestVerifyFindsAChangedNode: a change behind the store's back stays a
// finding through the comparison that is repeated with the head locked
// (storetest's VerifyWhileWriting shows writers' progress is not one).
func TestVerifyFindsAChangedNode(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	ev, err := storetest.NewEvent("u0", tracegraph.EventUnitCreated, storetest.At(1), map[string]any{"serial": "U0", "partNumber": "PCBA-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, []*tracegraph.Event{ev}, tracegraph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	err = s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		_, err := tx.Run(ctx, "MATCH (n:Node {id: 'Unit:U0'}) SET n.partNumber = 'FAKE'", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx, tracegraph.VerifyOptions{})
	if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "node Unit:U0 differs") {
		t.Fatalf("Verify after changing Unit:U0 = %+v, %v; want NOT INTACT naming it", rep, err)
	}
}
