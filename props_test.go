package tracegraph

import (
	"strings"
	"testing"
	"time"
)

// TestEventProps: props are decoded, checked, kept in the record (so in the
// hash) and part of an event's content.
func TestEventProps(t *testing.T) {
	const base = `{"id":"e1","type":"unit.created","time":"2026-03-01T08:00:00Z","data":{"serial":"S1","partNumber":"P"}`
	ev, err := DecodeEvent([]byte(base + `,"props":{"epcis:bizStep":"commissioning"}}`))
	if err != nil {
		t.Fatal(err)
	}
	ev.Seal(1, time.Unix(1e9, 0), "")
	rec, _ := ev.MarshalRecord()
	back, err := UnmarshalRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if back.Props["epcis:bizStep"] != "commissioning" || back.ComputeHash() != ev.Hash {
		t.Errorf("record %s: props %v, hash %s, want commissioning and %s", rec, back.Props, back.ComputeHash(), ev.Hash)
	}
	plain, err := DecodeEvent([]byte(base + `}`))
	if err != nil {
		t.Fatal(err)
	}
	if SameContent(ev, plain) {
		t.Error("SameContent of events that differ in props = true")
	}
	if rec2, _ := (&Event{ID: "x", Type: EventUnitCreated, Data: plain.Data}).MarshalRecord(); strings.Contains(string(rec2), "props") {
		t.Errorf("a record without props mentions them: %s", rec2)
	}
	for _, bad := range []string{`{"":"x"}`, `{"k":""}`, `{"k":" x"}`} {
		if _, err := DecodeEvent([]byte(base + `,"props":` + bad + `}`)); err == nil || AsError(err).Code != CodeInvalid {
			t.Errorf("DecodeEvent with props %s = %v, want INVALID", bad, err)
		}
	}
}
