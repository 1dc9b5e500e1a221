package storetest

import (
	"context"
	"maps"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// testProps: an event's props (what a standard's message said beyond the
// event's data: EPCIS's bizStep, disposition, readPoint) are kept with the
// record, in the hash, read back by Event, Events and NodeEvents; the same
// id with other props is another event (CONFLICT).
func testProps(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	props := map[string]string{"epcis:bizStep": "commissioning", "epcis:readPoint": "urn:epc:id:sgln:0614141.07346.1234"}
	ev, err := tracegraph.DecodeEvent([]byte(`{"id":"mk-u1","type":"unit.created","time":"2026-03-02T08:00:00Z",
		"data":{"serial":"U1","partNumber":"PCBA-1"},"props":{"epcis:bizStep":"commissioning","epcis:readPoint":"urn:epc:id:sgln:0614141.07346.1234"}}`))
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, ev)
	got, err := s.Event(ctx, "mk-u1")
	if err != nil || !maps.Equal(got.Props, props) || got.ComputeHash() != got.Hash {
		t.Fatalf("Event(mk-u1) = %+v, %v; want props %v and an intact hash", got, err, props)
	}
	logged, err := s.Events(ctx, 0, 10)
	if err != nil || len(logged) != 1 || !maps.Equal(logged[0].Props, props) {
		t.Errorf("Events(0, 10) = %+v, %v; want the event with its props", logged, err)
	}
	nodeEvs, err := s.NodeEvents(ctx, "Unit:U1")
	if err != nil || len(nodeEvs) != 1 || !maps.Equal(nodeEvs[0].Props, props) {
		t.Errorf("NodeEvents(Unit:U1) = %+v, %v; want the event with its props", nodeEvs, err)
	}
	other := parse(t, `0 mk-u1 unit.created {"serial":"U1","partNumber":"PCBA-1"}`)
	checkOutcomes(t, "Apply(mk-u1 without its props)", apply(t, s, other, tracegraph.ApplyOptions{}), other, []string{"rejected CONFLICT id"})
}
