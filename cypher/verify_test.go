package cypher

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestVerifyWhileWriting: Verify reads the log up to the head it took at the
// start and catches up when writers change what it compares (here new
// consumptions into a unit it already replayed): every report is intact.
func TestVerifyWhileWriting(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	mk := func(id string, typ tracegraph.EventType, data any) *tracegraph.Event {
		ev, err := storetest.NewEvent(id, typ, storetest.At(1), data)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	apply := func(evs ...*tracegraph.Event) error {
		outs, err := s.Apply(ctx, evs, tracegraph.ApplyOptions{})
		for _, o := range outs {
			if err == nil && o.Status != tracegraph.OutcomeAccepted {
				err = fmt.Errorf("event %q: %s %v", o.ID, o.Status, o.Error)
			}
		}
		return err
	}
	if err := apply(mk("lot", tracegraph.EventLotReceived, map[string]any{"lot": "L1", "partNumber": "R-10K"}),
		mk("u0", tracegraph.EventUnitCreated, map[string]any{"serial": "U0", "partNumber": "PCBA-1"})); err != nil {
		t.Fatal(err)
	}
	stop, done := make(chan struct{}), make(chan error)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			sn := fmt.Sprint("U", i+1)
			err := apply(mk("mk-"+sn, tracegraph.EventUnitCreated, map[string]any{"serial": sn, "partNumber": "PCBA-1"}),
				mk("use-"+sn, tracegraph.EventMaterialConsumed, map[string]any{"unit": sn, "lot": "L1"}),
				mk("rd-"+sn, tracegraph.EventMaterialConsumed, map[string]any{"unit": "U0", "lot": "L1", "refDes": []string{"R" + sn}}))
			if err != nil {
				done <- err
				return
			}
		}
	}()
	for range 3 {
		rep, err := s.Verify(ctx, tracegraph.VerifyOptions{})
		if err != nil || !rep.OK() {
			close(stop)
			<-done
			t.Fatalf("Verify while writing = %+v, %v; want intact", rep, err)
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A change behind the store's back is still found.
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
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
