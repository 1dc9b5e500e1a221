package tracegraph

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestUnmarshalRecordReadsPlainRecordsDirectly: UnmarshalRecord reads a
// record in appendCanonical's plain form with parseCanonical (it allocates
// at most two more times than parseCanonical does), not with
// json.Unmarshal; and it returns the event json.Unmarshal's path returns.
func TestUnmarshalRecordReadsPlainRecordsDirectly(t *testing.T) {
	c := canonicalEvent{Seq: 7, ID: "e-7", Type: EventUnitPlaced, Time: "2026-03-02T09:00:00.123Z", Station: "L1", Operator: "op",
		Data: json.RawMessage(`{"unit":"PCBA-1","station":"L1"}`), RecordedBy: "line-1", RecordedAt: "2026-03-02T09:00:00.456Z",
		PrevHash: "ab12", Hash: "cd34"}
	rec, ok := appendCanonical(c)
	if !ok {
		t.Fatal("the sample is not in the plain form")
	}
	got, err := UnmarshalRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	var viaJSON canonicalEvent
	if err := json.Unmarshal(rec, &viaJSON); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(viaJSON, c) {
		t.Fatalf("json.Unmarshal: %+v, want %+v", viaJSON, c)
	}
	if want := (&Event{ID: c.ID, Type: c.Type, Time: got.Time, Station: c.Station, Operator: c.Operator, Data: c.Data,
		RecordedBy: c.RecordedBy, Seq: c.Seq, RecordedAt: got.RecordedAt, PrevHash: c.PrevHash, Hash: c.Hash}); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got.Time.Format("2006-01-02T15:04:05.000Z07:00") != c.Time || got.RecordedAt.Format("2006-01-02T15:04:05.000Z07:00") != c.RecordedAt {
		t.Errorf("times %v, %v; want %s, %s", got.Time, got.RecordedAt, c.Time, c.RecordedAt)
	}
	direct := testing.AllocsPerRun(100, func() { _, _ = parseCanonical(rec) })
	whole := testing.AllocsPerRun(100, func() { _, _ = UnmarshalRecord(rec) })
	if whole > direct+2 { // the Event it returns, and one of slack (json.Unmarshal: 7 more)
		t.Errorf("UnmarshalRecord allocates %.0f times, parseCanonical %.0f: the record was not read directly", whole, direct)
	}
}
