package tracegraph

import (
	"time"
)

// RecordHead is the part of an event record that a reader counting the
// log's events needs: its seq, type, id, times and data. ID and Data are
// slices of the record read, valid as long as it is.
type RecordHead struct {
	Seq              uint64
	Type             EventType
	ID               []byte
	Time, RecordedAt time.Time
	Data             []byte
}

// HeadReader reads the heads of event records, as UnmarshalRecord decodes
// them, without building the event: for the records appendCanonical writes
// it allocates nothing (the times of a group commit's events share one
// recordedAt, which it parses once). The zero HeadReader is ready to use;
// it is not safe for concurrent use.
type HeadReader struct {
	types      map[string]EventType // the event types read so far, bounded
	lastAt     []byte               // the last recordedAt text parsed
	lastAtTime time.Time
}

// maxHeadTypes bounds the event types a HeadReader keeps (the log's types
// are the known ones; more is a log the reader does not expect).
const maxHeadTypes = 256

// Read returns the head of record b: what UnmarshalRecord(b) decodes (its
// error too), with ID and Data slices of b or of the event it decoded.
func (r *HeadReader) Read(b []byte) (RecordHead, error) {
	var h RecordHead
	if r.fast(b, &h) {
		return h, nil
	}
	ev, err := UnmarshalRecord(b)
	if err != nil {
		return RecordHead{}, err
	}
	return RecordHead{Seq: ev.Seq, Type: ev.Type, ID: []byte(ev.ID), Time: ev.Time, RecordedAt: ev.RecordedAt, Data: ev.Data}, nil
}

// fast reads h from a record laid out as parseCanonical takes it, whose
// times are in the form recordTime reads; false for anything else.
func (r *HeadReader) fast(b []byte, h *RecordHead) bool {
	p := canonicalParser{b: b}
	if !p.lit(`{"seq":`) {
		return false
	}
	seq, ok := p.uint()
	if !ok {
		return false
	}
	id, ok1 := p.raw(`,"id":`)
	typ, ok2 := p.raw(`,"type":`)
	tm, ok3 := p.raw(`,"time":`)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	p.skipOptional(`,"station":`)
	p.skipOptional(`,"operator":`)
	if p.bad || !p.lit(`,"data":`) {
		return false
	}
	data, ok := p.objectText()
	if !ok {
		return false
	}
	p.skipOptional(`,"recordedBy":`)
	at, ok1 := p.raw(`,"recordedAt":`)
	_, ok2 = p.raw(`,"prevHash":`)
	if !ok1 || !ok2 {
		return false
	}
	p.skipOptional(`,"hash":`)
	if p.bad || !p.lit(`}`) || p.i != len(p.b) {
		return false
	}
	t, ok := recordTime(tm)
	if !ok {
		return false
	}
	if string(at) != string(r.lastAt) || r.lastAt == nil {
		a, ok := recordTime(at)
		if !ok {
			return false
		}
		r.lastAt, r.lastAtTime = append(r.lastAt[:0], at...), a
	}
	*h = RecordHead{Seq: seq, Type: r.eventType(typ), ID: id, Time: t, RecordedAt: r.lastAtTime, Data: data}
	return true
}

// eventType returns typ as an EventType, made once per type.
func (r *HeadReader) eventType(typ []byte) EventType {
	if t, ok := r.types[string(typ)]; ok {
		return t
	}
	t := EventType(typ)
	if r.types == nil {
		r.types = map[string]EventType{}
	}
	if len(r.types) < maxHeadTypes {
		r.types[string(t)] = t
	}
	return t
}

// recordTime parses a time written as time.RFC3339Nano writes a UTC time
// (YYYY-MM-DDThh:mm:ss, up to nine digits of fraction, Z) exactly as
// time.Parse(time.RFC3339Nano, ...) does; false for any other text
// (including out-of-range fields, which time.Parse refuses).
func recordTime(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return time.Time{}, false
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(b[0:4])
	month, ok2 := num(b[5:7])
	day, ok3 := num(b[8:10])
	hour, ok4 := num(b[11:13])
	minute, ok5 := num(b[14:16])
	sec, ok6 := num(b[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return time.Time{}, false
	}
	nsec := 0
	if frac := b[19 : len(b)-1]; len(frac) > 0 {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := num(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			n *= 10
		}
		nsec = n
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// daysIn is the number of days of month in year.
func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// raw reads key and a plain string after it (printable ASCII without
// escapes, as field takes it) and returns the string's bytes.
func (p *canonicalParser) raw(key string) ([]byte, bool) {
	if !p.lit(key) || !p.lit(`"`) {
		return nil, false
	}
	j := p.i
	for ; j < len(p.b) && p.b[j] != '"'; j++ {
		if c := p.b[j]; c < 0x20 || c > 0x7e || c == '\\' {
			return nil, false
		}
	}
	if j == len(p.b) {
		return nil, false
	}
	s := p.b[p.i:j]
	p.i = j + 1
	return s, true
}

// skipOptional passes over key and a plain string after it when the
// record continues with key; a value not in the plain form sets bad.
func (p *canonicalParser) skipOptional(key string) {
	if p.bad || len(p.b)-p.i < len(key) || string(p.b[p.i:p.i+len(key)]) != key {
		return
	}
	if _, ok := p.raw(key); !ok {
		p.bad = true
	}
}
