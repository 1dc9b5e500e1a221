package tracegraph

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// checkHead fails t unless r reads record b as UnmarshalRecord decodes it:
// the same error, or the same seq, type, id, times (sameTime) and data.
func checkHead(t *testing.T, r *HeadReader, b []byte) {
	t.Helper()
	h, err := r.Read(b)
	ev, want := UnmarshalRecord(b)
	if (err == nil) != (want == nil) || err != nil && err.Error() != want.Error() {
		t.Fatalf("%q: error %v, UnmarshalRecord's %v", b, err, want)
	}
	if err != nil {
		return
	}
	if h.Seq != ev.Seq || h.Type != ev.Type || string(h.ID) != ev.ID || !sameTime(h.Time, ev.Time) || !sameTime(h.RecordedAt, ev.RecordedAt) ||
		string(h.Data) != string(ev.Data) {
		t.Fatalf("%q:\nhead  %d %q %q %v %v %s\nevent %d %q %q %v %v %s", b, h.Seq, h.Type, h.ID, h.Time, h.RecordedAt, h.Data,
			ev.Seq, ev.Type, ev.ID, ev.Time, ev.RecordedAt, ev.Data)
	}
}

// sameTime reports whether a and b are the same time.Time: == for UTC
// times; times parsed apart with an offset have zones of their own, so
// those compare by instant, zone name and offset.
func sameTime(a, b time.Time) bool {
	if a == b {
		return true
	}
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return a.Location() != time.UTC && a.Equal(b) && an == bn && ao == bo && a.Location().String() == b.Location().String()
}

// TestHeadReaderAsUnmarshalRecord: the head of every record, read
// directly or not, is UnmarshalRecord's; records in appendCanonical's
// plain form with times as the store writes them are read directly; one
// reader reads a sequence of records whose recordedAt changes and comes back.
func TestHeadReaderAsUnmarshalRecord(t *testing.T) {
	record := testRecord(t)
	times := func(tm, at string) string {
		return record(func(c *canonicalEvent) { c.Time, c.RecordedAt = tm, at })
	}
	tests := []struct {
		name   string
		record string
		direct bool
	}{
		{"all fields", record(func(*canonicalEvent) {}), true},
		{"optional fields empty", record(func(c *canonicalEvent) { c.Station, c.Operator, c.RecordedBy, c.Hash = "", "", "", "" }), true},
		{"test event", record(func(c *canonicalEvent) {
			c.Type, c.Data = EventTestRecorded, json.RawMessage(`{"unit":"U1","testType":"ict","result":"pass"}`)
		}), true},
		{"unknown type", record(func(c *canonicalEvent) { c.Type = "no.such" }), true},
		{"largest seq", record(func(c *canonicalEvent) { c.Seq = 1<<64 - 1 }), true},
		{"whole seconds", times("2026-03-02T09:00:00Z", "2026-03-02T09:00:00Z"), true},
		{"nanoseconds", times("2026-03-02T09:00:00.123456789Z", "2026-03-02T09:00:00.000000001Z"), true},
		{"one digit of fraction", times("2026-03-02T09:00:00.1Z", "2026-03-02T09:00:00.5Z"), true},
		{"leap day", times("2024-02-29T23:59:59.9Z", "2024-02-29T00:00:00Z"), true},
		{"year 0 and 9999", times("0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"), true},
		{"trailing zeros of fraction", times("2026-03-02T09:00:00.100Z", "2026-03-02T09:00:00.0Z"), true},
		{"ten digits of fraction", times("2026-03-02T09:00:00.1234567891Z", "2026-03-02T09:00:00Z"), false},
		{"empty fraction", times("2026-03-02T09:00:00.Z", "2026-03-02T09:00:00Z"), false},
		{"comma fraction", times("2026-03-02T09:00:00,5Z", "2026-03-02T09:00:00Z"), false},
		{"offset", times("2026-03-02T10:00:00+01:00", "2026-03-02T09:00:00Z"), false},
		{"offset recordedAt", times("2026-03-02T09:00:00Z", "2026-03-02T09:00:00-00:30"), false},
		{"lower-case z", times("2026-03-02T09:00:00z", "2026-03-02T09:00:00Z"), false},
		{"lower-case t", times("2026-03-02t09:00:00Z", "2026-03-02T09:00:00Z"), false},
		{"february 29 of a common year", times("2026-02-29T09:00:00Z", "2026-03-02T09:00:00Z"), false},
		{"april 31", times("2026-04-31T09:00:00Z", "2026-03-02T09:00:00Z"), false},
		{"month 13", times("2026-13-01T09:00:00Z", "2026-03-02T09:00:00Z"), false},
		{"day 0", times("2026-03-00T09:00:00Z", "2026-03-02T09:00:00Z"), false},
		{"hour 24", times("2026-03-02T24:00:00Z", "2026-03-02T09:00:00Z"), false},
		{"second 60", times("2026-03-02T09:00:60Z", "2026-03-02T09:00:00Z"), false},
		{"sign in a field", times("2026-+3-02T09:00:00Z", "2026-03-02T09:00:00Z"), false},
		{"not a time", times("t", "r"), false},
		{"html in a string", record(func(c *canonicalEvent) { c.Operator = "a&b" }), false},
		{"non-ASCII id", record(func(c *canonicalEvent) { c.ID = "é1" }), false},
		{"props", record(func(c *canonicalEvent) { c.Props = map[string]string{"a": "1"} }), false},
		{"white space", strings.Replace(record(func(*canonicalEvent) {}), `"id":`, ` "id":`, 1), false},
		{"malformed data", `{"seq":1,"id":"a","type":"t","time":"2026-03-02T09:00:00Z","data":{"a":tru},"recordedAt":"2026-03-02T09:00:00Z","prevHash":""}`, false},
		{"missing prevHash", `{"seq":1,"id":"a","type":"t","time":"2026-03-02T09:00:00Z","data":{},"recordedAt":"2026-03-02T09:00:00Z"}`, false},
		{"trailing bytes", record(func(*canonicalEvent) {}) + " ", false},
		{"not JSON", `seq=1`, false},
		{"empty", ``, false},
	}
	var r HeadReader
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h RecordHead
			if got := (&HeadReader{}).fast([]byte(tt.record), &h); got != tt.direct {
				t.Errorf("read directly: %v, want %v", got, tt.direct)
			}
			checkHead(t, &HeadReader{}, []byte(tt.record))
			checkHead(t, &r, []byte(tt.record)) // after the records before
		})
	}
}

// FuzzHeadReader: whatever record a reader reads, before or after
// another, its head is UnmarshalRecord's.
func FuzzHeadReader(f *testing.F) {
	f.Add([]byte(`{"seq":1,"id":"a","type":"unit.created","time":"2026-03-02T09:00:00.5Z","data":{"x":"}"},"recordedAt":"2026-03-02T09:00:01Z","prevHash":"","hash":"h"}`))
	f.Add([]byte(`{"seq":1,"id":"a","type":"t","time":"2024-02-29T00:00:00Z","station":"s","operator":"o","data":{},"recordedBy":"b","recordedAt":"2026-03-02T09:00:01.123456789Z","prevHash":"p"}`))
	f.Add([]byte(`{"seq":7,"id":"a","type":"t","time":"2026-03-02T09:00:00+02:00","data":{"a":[1,{"b":"\u00e9\\\""}]},"recordedAt":"2026-03-02T09:00:01Z","prevHash":""}`))
	other := []byte(`{"seq":2,"id":"b","type":"t","time":"2026-03-02T09:00:00Z","data":{},"recordedAt":"2026-03-02T09:00:01Z","prevHash":""}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		checkHead(t, &HeadReader{}, b)
		var r HeadReader
		checkHead(t, &r, other)
		checkHead(t, &r, b)
		checkHead(t, &r, b)
		checkHead(t, &r, other)
	})
}

// FuzzRecordTime: a time recordTime reads is time.Parse's, == included.
func FuzzRecordTime(f *testing.F) {
	for _, s := range []string{"2026-03-02T09:00:00Z", "2026-03-02T09:00:00.123456789Z", "2024-02-29T23:59:59.9Z", "0000-01-01T00:00:00Z",
		"2026-02-29T00:00:00Z", "2026-03-02T09:00:00.Z", "2026-03-02T09:00:00.1234567891Z", "2026-03-02T09:00:60Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := recordTime([]byte(s))
		if !ok {
			return
		}
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("%q: read as %v, time.Parse fails: %v", s, got, err)
		}
		if got != want {
			t.Fatalf("%q: %#v, time.Parse gives %#v", s, got, want)
		}
	})
}
