package tracegraph

import (
	"strings"
	"testing"
	"time"
)

// TestRecordedByIsHashed: recordedBy is part of the record and its hash, so
// altering it later breaks the chain; the same event without it hashes as
// before (logs written before recordedBy existed still verify).
func TestRecordedByIsHashed(t *testing.T) {
	mk := func(by string) *Event {
		e, err := DecodeEvent([]byte(`{"id":"e1","type":"unit.created","time":"2026-03-02T08:00:00Z","data":{"serial":"SN1","partNumber":"P1"}}`))
		if err != nil {
			t.Fatal(err)
		}
		e.RecordedBy = by
		e.Seal(1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), "")
		return e
	}
	anon, alice := mk(""), mk("alice")
	if anon.Hash == alice.Hash {
		t.Fatalf("recordedBy does not change the hash")
	}
	rec, _ := anon.MarshalRecord()
	if strings.Contains(string(rec), "recordedBy") {
		t.Errorf("record without recordedBy = %s, want no recordedBy field", rec)
	}
	rec, _ = alice.MarshalRecord()
	back, err := UnmarshalRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if back.RecordedBy != "alice" || back.ComputeHash() != alice.Hash || back.Unsealed().RecordedBy != "alice" {
		t.Fatalf("UnmarshalRecord(%s) = %+v, want recordedBy alice and hash %s", rec, back, alice.Hash)
	}
	back.RecordedBy = "mallory"
	var c ChainChecker
	if problems := c.Check(back); len(problems) != 1 || !strings.Contains(problems[0], "altered") {
		t.Errorf("an altered recordedBy: Check = %q, want one 'altered record' problem", problems)
	}
}

func TestRecordedByIsTheServers(t *testing.T) {
	_, err := DecodeEvent([]byte(`{"id":"e1","type":"unit.created","time":"2026-03-02T08:00:00Z","recordedBy":"mallory","data":{"serial":"SN1","partNumber":"P1"}}`))
	if e := AsError(err); e.Code != CodeInvalid || e.Field != "recordedBy" || !strings.Contains(e.Message, "set by the server") {
		t.Errorf("DecodeEvent with recordedBy = %v, want INVALID recordedBy 'set by the server'", err)
	}
	e := &Event{ID: "e1", Type: EventUnitCreated, Time: time.Now(), Data: []byte(`{"serial":"SN1","partNumber":"P1"}`), RecordedBy: "a\nb"}
	if err := e.Normalize(); AsError(err).Field != "recordedBy" {
		t.Errorf("Normalize with a control character in recordedBy = %v, want INVALID recordedBy", err)
	}
}
