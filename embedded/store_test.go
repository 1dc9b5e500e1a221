package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// ev builds a normalized event; minute is minutes after t0.
func ev(t testing.TB, id string, typ tracegraph.EventType, minute int, data any) *tracegraph.Event {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	e := &tracegraph.Event{ID: id, Type: typ, Time: t0.Add(time.Duration(minute) * time.Minute), Data: b}
	if err := e.Normalize(); err != nil {
		t.Fatalf("event %s: %v", id, err)
	}
	return e
}

func mustApply(t testing.TB, s *Store, evs ...*tracegraph.Event) {
	t.Helper()
	outs, err := s.Apply(context.Background(), evs, tracegraph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != tracegraph.OutcomeAccepted {
			t.Fatalf("event %d %q: %s %v", o.Index, o.ID, o.Status, o.Error)
		}
	}
}

func smallFactory(t testing.TB) []*tracegraph.Event {
	t.Helper()
	return []*tracegraph.Event{
		ev(t, "w1", tracegraph.EventWaferRegistered, 0, map[string]any{"waferBatch": "W1", "manufacturer": "Fab Inc"}),
		ev(t, "l1", tracegraph.EventLotReceived, 1, map[string]any{"lot": "L1", "partNumber": "IC-1", "supplier": "ACME", "derivedFrom": []string{"WaferBatch:W1"}}),
		ev(t, "l2", tracegraph.EventLotReceived, 1, map[string]any{"lot": "L2", "partNumber": "C-1"}),
		ev(t, "c1", tracegraph.EventComponentReceived, 2, map[string]any{"serials": []string{"RM1", "RM2"}, "partNumber": "RADIO"}),
		ev(t, "u1", tracegraph.EventUnitCreated, 3, map[string]any{"serial": "PCB1", "partNumber": "PCBA-1", "workOrder": "WO1"}),
		ev(t, "u2", tracegraph.EventUnitCreated, 3, map[string]any{"serial": "PCB2", "partNumber": "PCBA-1", "workOrder": "WO1"}),
		ev(t, "u3", tracegraph.EventUnitCreated, 4, map[string]any{"serial": "P1", "partNumber": "PROD", "identifiers": map[string]string{"imei": "356938035643809"}}),
		ev(t, "m1", tracegraph.EventMaterialConsumed, 5, map[string]any{"unit": "PCB1", "lot": "L1", "refDes": []string{"U1"}}),
		ev(t, "m2", tracegraph.EventMaterialConsumed, 5, map[string]any{"unit": "PCB2", "lot": "L1", "precision": "CANDIDATE"}),
		ev(t, "m3", tracegraph.EventMaterialConsumed, 5, map[string]any{"unit": "PCB1", "lot": "L2"}),
		ev(t, "m4", tracegraph.EventMaterialConsumed, 6, map[string]any{"unit": "P1", "component": "RM1"}),
		ev(t, "a1", tracegraph.EventUnitAssembled, 7, map[string]any{"parent": "P1", "child": "PCB1"}),
		ev(t, "t1", tracegraph.EventTestRecorded, 8, map[string]any{"unit": "P1", "testType": "fct", "result": "pass"}),
		ev(t, "b1", tracegraph.EventPacked, 9, map[string]any{"container": "BX1", "items": []string{"P1"}}),
		ev(t, "p1", tracegraph.EventPacked, 10, map[string]any{"container": "PL1", "containerType": "pallet", "items": []string{"BX1"}, "sscc": tracegraph.SSCCFor(0, "0614141000000001")}),
		ev(t, "s1", tracegraph.EventShipped, 11, map[string]any{"shipment": "SH1", "customer": "CUST1", "items": []string{"PL1"}}),
	}
}

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	mustApply(t, s, smallFactory(t)...)

	tr, err := s.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{"Unit:P1"}, Direction: tracegraph.Upstream})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(traceIDs(tr))
	if !hasNode(tr, "WaferBatch:W1", 3) || !hasNode(tr, "Component:RM1", 1) {
		t.Fatalf("upstream of P1 = %v, want W1 at depth 3 and RM1 at 1", got)
	}
	rep, err := s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: []tracegraph.ID{"WaferBatch:W1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Confirmed) != 2 || len(rep.Possible) != 1 || len(rep.Customers) != 1 {
		t.Fatalf("recall confirmed=%v possible=%v customers=%v", rep.Confirmed, rep.Possible, rep.Customers)
	}
	ex, err := s.Explode(ctx, "Pallet:PL1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Len() != 3 {
		t.Fatalf("explode PL1 = %v, want P1, PCB1, RM1", ex)
	}
	ns, err := s.Lookup(ctx, "356938035643809")
	if err != nil || len(ns) != 1 || ns[0].ID != "Unit:P1" {
		t.Fatalf("lookup IMEI = %v, %v", ns, err)
	}
	// Reopen: topology rebuilt from disk answers the same.
	s.Close()
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	tr2, err := s2.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{"Unit:P1"}, Direction: tracegraph.Upstream})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := fmt.Sprint(traceIDs(tr)), fmt.Sprint(traceIDs(tr2)); a != b {
		t.Fatalf("after reopen trace = %s, want %s", b, a)
	}
	vr, err := s2.Verify(ctx, tracegraph.VerifyOptions{})
	if err != nil || !vr.OK() {
		t.Fatalf("Verify = %+v, %v", vr, err)
	}
}

func traceIDs(tr *tracegraph.TraceResult) []string {
	var out []string
	for _, n := range tr.Nodes {
		out = append(out, fmt.Sprintf("%s@%d/%s", n.ID, n.Depth, n.Precision))
	}
	return out
}

func hasNode(tr *tracegraph.TraceResult, id tracegraph.ID, depth int) bool {
	for _, n := range tr.Nodes {
		if n.ID == id && n.Depth == depth {
			return true
		}
	}
	return false
}

// TestPackCompletesContents: packing a product makes it and the boards and
// modules built into it finished goods; voiding the pack makes them WIP again.
func TestPackCompletesContents(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	mustApply(t, s,
		ev(t, "u1", tracegraph.EventUnitCreated, 0, map[string]any{"serial": "PCB1", "partNumber": "PCBA-1"}),
		ev(t, "u2", tracegraph.EventUnitCreated, 1, map[string]any{"serial": "P1", "partNumber": "PROD"}),
		ev(t, "a1", tracegraph.EventUnitAssembled, 2, map[string]any{"parent": "P1", "child": "PCB1"}),
		ev(t, "b1", tracegraph.EventPacked, 3, map[string]any{"container": "BX1", "items": []string{"P1"}}),
	)
	status := func(id tracegraph.ID) string {
		t.Helper()
		n, err := s.Node(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return n.Status()
	}
	for _, id := range []tracegraph.ID{"Unit:P1", "Unit:PCB1"} {
		if got := status(id); got != tracegraph.StatusCompleted {
			t.Errorf("after packing, %s status = %s, want COMPLETED", id, got)
		}
	}
	mustApply(t, s, ev(t, "v1", tracegraph.EventVoided, 4, map[string]any{"event": "b1", "reason": "wrong box"}))
	for _, id := range []tracegraph.ID{"Unit:P1", "Unit:PCB1"} {
		if got := status(id); got != tracegraph.StatusWIP {
			t.Errorf("after voiding the pack, %s status = %s, want WIP", id, got)
		}
	}
}

// TestStatsCanceled: Stats, which counts every node and edge, stops when its
// context ends (a client gone, a request past its deadline).
func TestStatsCanceled(t *testing.T) {
	s, _ := openTemp(t)
	mustApply(t, s, smallFactory(t)...)
	if _, err := s.Stats(context.Background()); err != nil {
		t.Fatalf("Stats: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if st, err := s.Stats(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Stats(canceled) = %+v, %v; want context.Canceled", st, err)
	}
}
