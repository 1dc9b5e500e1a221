package tracegraph

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EventType names what happened. Event types are part of the public contract.
type EventType string

// The event types (docs/events.md has their data and rules).
const (
	EventUnitCreated        EventType = "unit.created"
	EventIdentifierAssigned EventType = "identifier.assigned"
	EventWaferRegistered    EventType = "wafer.registered"
	EventLotReceived        EventType = "lot.received"
	EventComponentReceived  EventType = "component.received"
	EventMaterialConsumed   EventType = "material.consumed"
	EventUnitAssembled      EventType = "unit.assembled"
	EventComponentRemoved   EventType = "component.removed"
	EventTestRecorded       EventType = "test.recorded"
	EventProcessRecorded    EventType = "process.recorded"
	EventReadingRecorded    EventType = "reading.recorded"
	EventPacked             EventType = "packed"
	EventUnpacked           EventType = "unpacked"
	EventShipped            EventType = "shipped"
	EventHoldPlaced         EventType = "hold.placed"
	EventHoldReleased       EventType = "hold.released"
	EventUnitScrapped       EventType = "unit.scrapped"
	EventVoided             EventType = "event.voided"
	EventProductDefined     EventType = "product.defined"
	EventSerialScheme       EventType = "serials.scheme"
	EventSerialsAllocated   EventType = "serials.allocated"
)

// EventTypes lists every event type with a constructor of its payload.
var eventPayloads = map[EventType]func() Payload{
	EventUnitCreated:        func() Payload { return new(UnitCreated) },
	EventIdentifierAssigned: func() Payload { return new(IdentifierAssigned) },
	EventWaferRegistered:    func() Payload { return new(WaferRegistered) },
	EventLotReceived:        func() Payload { return new(LotReceived) },
	EventComponentReceived:  func() Payload { return new(ComponentReceived) },
	EventMaterialConsumed:   func() Payload { return new(MaterialConsumed) },
	EventUnitAssembled:      func() Payload { return new(UnitAssembled) },
	EventComponentRemoved:   func() Payload { return new(ComponentRemoved) },
	EventTestRecorded:       func() Payload { return new(TestRecorded) },
	EventProcessRecorded:    func() Payload { return new(ProcessRecorded) },
	EventReadingRecorded:    func() Payload { return new(ReadingRecorded) },
	EventPacked:             func() Payload { return new(Packed) },
	EventUnpacked:           func() Payload { return new(Packed) },
	EventShipped:            func() Payload { return new(Shipped) },
	EventHoldPlaced:         func() Payload { return new(HoldChange) },
	EventHoldReleased:       func() Payload { return &HoldChange{release: true} },
	EventUnitScrapped:       func() Payload { return new(UnitScrapped) },
	EventVoided:             func() Payload { return new(Voided) },
	EventRecallPublished:    func() Payload { return new(RecallPublished) },

	EventSetupDefined:   func() Payload { return new(SetupDefined) },
	EventSetupActivated: func() Payload { return new(SetupActivated) },
	EventFeederLoaded:   func() Payload { return new(FeederLoaded) },
	EventFeederUnloaded: func() Payload { return new(FeederSlot) },
	EventFeederSpliced:  func() Payload { return new(FeederLoaded) },
	EventSplicePassed:   func() Payload { return new(FeederSlot) },
	EventUnitPlaced:     func() Payload { return new(UnitPlaced) },
	EventRouteDefined:   func() Payload { return new(RouteDefined) },
	EventLotBaked:       func() Payload { return new(LotBaked) },

	EventProductDefined:   func() Payload { return new(ProductDefined) },
	EventSerialScheme:     func() Payload { return new(SerialScheme) },
	EventSerialsAllocated: func() Payload { return new(SerialsAllocated) },
}

// NewPayload returns an empty payload of event type t, what its data
// decodes into, or nil for an unknown type. The contract's JSON Schemas
// (api.EventSchema) are derived from these types.
func NewPayload(t EventType) Payload {
	if mk, ok := eventPayloads[t]; ok {
		return mk()
	}
	return nil
}

// AllEventTypes returns every event type, sorted.
func AllEventTypes() []EventType {
	out := make([]EventType, 0, len(eventPayloads))
	for t := range eventPayloads {
		out = append(out, t)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Valid reports whether t is a known event type.
func (t EventType) Valid() bool { _, ok := eventPayloads[t]; return ok }

// Limits on events.
const (
	MaxEventIDLen = 200
	MaxEventBytes = 1 << 20 // one event, encoded
	MaxListLen    = 10000   // serials, items, units, refDes in one event
	MaxProps      = 32      // props of one event
	MaxPropKeyLen = 100
)

// checkProps refuses props with too many entries, empty or long keys, and
// values that are not text.
func checkProps(props map[string]string) *Error {
	if len(props) > MaxProps {
		return Errorf(CodeInvalid, "props", "props has %d entries; at most %d", len(props), MaxProps)
	}
	if len(props) == 0 {
		return nil // nothing to sort (which allocates even for no keys)
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if err := checkText("props", k, MaxPropKeyLen, true); err != nil {
			return Errorf(CodeInvalid, "props", "a props key: %s", err.Message)
		}
		if err := checkText("props."+k, props[k], 1000, true); err != nil {
			return err
		}
	}
	return nil
}

// Event is one shop-floor transaction: an immutable record appended to the log.
// The client gives ID (its idempotency key), Type, Time, Station, Operator and
// Data; the server adds RecordedBy; the store adds Seq, RecordedAt, PrevHash
// and Hash.
type Event struct {
	ID       string          `json:"id"`
	Type     EventType       `json:"type"`
	Time     time.Time       `json:"time"`
	Station  string          `json:"station,omitempty"`
	Operator string          `json:"operator,omitempty"`
	Data     json.RawMessage `json:"data"`
	// Props are what a standard's message says about the event beyond its
	// type's data, kept with the record as text: EPCIS's bizStep,
	// disposition and readPoint (see docs/epcis.md). Optional; at most
	// MaxProps, keys up to MaxPropKeyLen bytes.
	Props map[string]string `json:"props,omitempty"`
	// RecordedBy is who wrote the event: the subject of the token of the
	// request that recorded it (Actor), set by the server, never taken from
	// the client's body. Empty when authentication is off. It is part of the
	// hashed record, so it cannot be altered unseen.
	RecordedBy string `json:"recordedBy,omitempty"`

	Seq        uint64    `json:"seq,omitempty"`
	RecordedAt time.Time `json:"recordedAt,omitzero"`
	PrevHash   string    `json:"prevHash,omitempty"`
	Hash       string    `json:"hash,omitempty"`

	// payload caches the decoded Data; Normalize sets it.
	payload Payload
	// record caches the stored encoding; Seal sets it.
	record []byte
	// plainRecord is set by Seal when it wrote record without encoding/json
	// (plainCanonicalLen): every string plain ASCII, the data written
	// unchanged, no props. CheckRecord then needs not scan them again.
	plainRecord bool
}

// envelope is what a client may send.
type envelope struct {
	ID       *string           `json:"id"`
	Type     *string           `json:"type"`
	Time     *json.RawMessage  `json:"time"`
	Station  string            `json:"station"`
	Operator string            `json:"operator"`
	Data     json.RawMessage   `json:"data"`
	Props    map[string]string `json:"props"`
	// RecordedBy is the server's to set: a client that sends it is told so.
	RecordedBy json.RawMessage `json:"recordedBy"`
}

// DecodeEvent parses one event as a client sends it, strictly: unknown fields,
// missing required fields and malformed values are INVALID errors naming the
// field. On success the event is normalized (see Normalize).
func DecodeEvent(b []byte) (*Event, error) { return decodeEvent(b, true) }

// decodeEvent is DecodeEvent; fastOK lets it read a plain line without
// reflection (fastEnvelope), which answers the same.
func decodeEvent(b []byte, fastOK bool) (*Event, error) { return decodeEventWith(b, fastOK, nil) }

// decodeEventWith is decodeEvent sharing the strings names holds
// (EventDecoder; nil: none).
func decodeEventWith(b []byte, fastOK bool, names *EventDecoder) (*Event, error) {
	if len(b) > MaxEventBytes {
		return nil, Errorf(CodeInvalid, "", "event is larger than %d bytes", MaxEventBytes)
	}
	var env envelope
	var ts string
	var p Payload
	fast := false
	if fastOK {
		env, ts, p, fast = fastEnvelopeWith(b, names)
	}
	if !fast {
		var err error
		if env, err = strictEnvelope(b); err != nil {
			return nil, err
		}
	}
	if env.RecordedBy != nil {
		return nil, Errorf(CodeInvalid, "recordedBy", "recordedBy is set by the server from the token's subject; leave it out")
	}
	e := &Event{Station: env.Station, Operator: env.Operator, Data: env.Data, Props: env.Props}
	// An event refused with its envelope keeps the data as sent, a copy of
	// it (fastEnvelope's is a slice of b, which the caller may reuse); an
	// accepted one has its canonical data instead.
	refuse := func(err error) (*Event, error) {
		if fast {
			e.Data = bytes.Clone(e.Data)
		}
		return e, err
	}
	if env.ID != nil {
		e.ID = *env.ID
	}
	if env.Type != nil {
		e.Type = EventType(*env.Type)
	}
	if env.ID == nil {
		return nil, Errorf(CodeInvalid, "id", "id is required (the client's idempotency key)")
	}
	if env.Type == nil {
		return nil, Errorf(CodeInvalid, "type", "type is required")
	}
	if env.Time == nil || string(*env.Time) == "null" {
		return refuse(Errorf(CodeInvalid, "time", "time is required (RFC 3339, e.g. 2026-03-01T08:00:00Z)"))
	}
	if !fast {
		var ok bool
		if ts, ok = jsonString(*env.Time); !ok {
			return refuse(Errorf(CodeInvalid, "time", "time must be an RFC 3339 string"))
		}
	}
	t, err := parseTime("time", ts)
	if err != nil {
		return refuse(err)
	}
	e.Time = t
	if err := e.normalize(p); err != nil {
		return refuse(err)
	}
	return e, nil
}

// strictEnvelope decodes an event's envelope strictly (strictUnmarshal,
// then checkJSONTextOf). Its own function, so that only the slow path has
// the envelope escape to the heap.
func strictEnvelope(b []byte) (envelope, error) {
	var env envelope
	if err := strictUnmarshal(b, &env); err != nil {
		return envelope{}, err
	}
	if err := checkJSONTextOf(b, "", reflect.TypeFor[envelope]()); err != nil {
		return envelope{}, err
	}
	return env, nil
}

// jsonString is json.Unmarshal of raw into a string, reporting whether it
// decoded (its own function, so that only the slow path allocates the
// target).
func jsonString(raw []byte) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// Normalize validates the envelope and the payload and replaces Data with the
// payload's canonical encoding. It returns an INVALID *Error naming the field.
func (e *Event) Normalize() error { return e.normalize(nil) }

// normalize is Normalize with the payload decoded already from Data (p, not
// yet validated), or nil to decode it.
func (e *Event) normalize(p Payload) error {
	if err := checkText("id", e.ID, MaxEventIDLen, true); err != nil {
		return err
	}
	if e.Type == "" {
		return Errorf(CodeInvalid, "type", "type is required")
	}
	if !e.Type.Valid() {
		return Errorf(CodeInvalid, "type", "type %q is not a known event type (one of %s)", e.Type, joinTypes())
	}
	if e.Time.IsZero() {
		return Errorf(CodeInvalid, "time", "time is required (RFC 3339, e.g. 2026-03-01T08:00:00Z)")
	}
	// The range is checked in UTC, the zone every record is kept in.
	e.Time = e.Time.UTC()
	if err := checkTime("time", e.Time); err != nil {
		return err
	}
	if err := checkText("station", e.Station, MaxKeyLen, false); err != nil {
		return err
	}
	if err := checkText("operator", e.Operator, MaxKeyLen, false); err != nil {
		return err
	}
	if err := checkText("recordedBy", e.RecordedBy, MaxKeyLen, false); err != nil {
		return err
	}
	if err := checkProps(e.Props); err != nil {
		return err
	}
	if p == nil {
		var err error
		if p, err = e.Payload(); err != nil {
			return err
		}
	} else if err := p.validate(); err != nil {
		return err.withField("data") // as Payload words it
	}
	if c, ok := p.(currentChecker); ok {
		if err := c.checkCurrent(); err != nil {
			return err.withField("data")
		}
	}
	canon, err := marshalPayload(p)
	if err != nil {
		return fmt.Errorf("encode %s payload: %w", e.Type, err)
	}
	e.Data = canon
	e.payload = p
	return nil
}

func joinTypes() string {
	ts := AllEventTypes()
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// Payload decodes and validates Data for the event's Type. Callers must not
// change the payload: it is shared with every copy of a normalized event.
func (e *Event) Payload() (Payload, error) {
	if e.payload != nil {
		return e.payload, nil
	}
	mk, ok := eventPayloads[e.Type]
	if !ok {
		return nil, Errorf(CodeInvalid, "type", "type %q is not a known event type", e.Type)
	}
	if len(e.Data) == 0 || string(e.Data) == "null" {
		return nil, Errorf(CodeInvalid, "data", "data is required for %s", e.Type)
	}
	p := fastPayload(e.Type, e.Data)
	if p == nil {
		p = mk()
		if err := strictUnmarshal(e.Data, p); err != nil {
			return nil, err.(*Error).withField("data")
		}
		if err := checkJSONTextOf(e.Data, "data", reflect.TypeOf(p)); err != nil {
			return nil, err
		}
	}
	if err := p.validate(); err != nil {
		return nil, err.withField("data")
	}
	return p, nil
}

// strictUnmarshal decodes one JSON value into v, refusing unknown fields and
// trailing data, and turns decoding errors into INVALID errors naming the field.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		e := jsonError(err)
		if f := locateField(b, v); f != "" && (e.Field == "" || strings.HasPrefix(f, e.Field+".")) {
			e.Field = f
			if !strings.Contains(e.Message, f) {
				e.Message = f + ": " + strings.TrimPrefix(e.Message, e.Field+": ")
			}
		}
		return e
	}
	if _, err := dec.Token(); err != io.EOF {
		return Errorf(CodeInvalid, "", "unexpected data after the JSON value")
	}
	return nil
}

// locateField finds the field of the JSON object b that does not decode into
// v's type, by decoding each field (and each entry of an object-valued
// field) alone. It returns "" when it cannot tell.
func locateField(b []byte, v any) string {
	t := reflect.TypeOf(v)
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		return ""
	}
	fails := func(raw []byte) bool {
		return json.Unmarshal(raw, reflect.New(t.Elem()).Interface()) != nil
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		one, _ := json.Marshal(map[string]json.RawMessage{k: fields[k]})
		if !fails(one) {
			continue
		}
		var entries map[string]json.RawMessage
		if json.Unmarshal(fields[k], &entries) == nil {
			for _, ek := range slices.Sorted(maps.Keys(entries)) {
				sub, _ := json.Marshal(map[string]map[string]json.RawMessage{k: {ek: entries[ek]}})
				if fails(sub) {
					return k + "." + ek
				}
			}
		}
		return k
	}
	return ""
}

func jsonError(err error) *Error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var pe *Error
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.As(err, &te):
		return Errorf(CodeInvalid, te.Field, "%s must be %s, not %s", orValue(te.Field), jsonKind(te.Type.Kind().String()), te.Value)
	case errors.As(err, &se):
		return Errorf(CodeInvalid, "", "malformed JSON at byte %d: %s", se.Offset, se.Error())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Errorf(CodeInvalid, f, "unknown field %q", f)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(CodeInvalid, "", "incomplete JSON")
	}
	return Errorf(CodeInvalid, "", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func orValue(f string) string {
	if f == "" {
		return "value"
	}
	return f
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	case "bool":
		return "true or false"
	case "ptr":
		return "a value"
	}
	return "a number"
}

// canonicalEvent fixes the field order of the encoding that is hashed and stored.
type canonicalEvent struct {
	Seq        uint64            `json:"seq"`
	ID         string            `json:"id"`
	Type       EventType         `json:"type"`
	Time       string            `json:"time"`
	Station    string            `json:"station,omitempty"`
	Operator   string            `json:"operator,omitempty"`
	Data       json.RawMessage   `json:"data"`
	Props      map[string]string `json:"props,omitempty"`
	RecordedBy string            `json:"recordedBy,omitempty"`
	RecordedAt string            `json:"recordedAt"`
	PrevHash   string            `json:"prevHash"`
	Hash       string            `json:"hash,omitempty"`
}

func (e *Event) canonical(withHash bool) canonicalEvent {
	c := canonicalEvent{
		Seq: e.Seq, ID: e.ID, Type: e.Type, Time: e.Time.UTC().Format(time.RFC3339Nano),
		Station: e.Station, Operator: e.Operator, Data: e.Data, Props: e.Props, RecordedBy: e.RecordedBy,
		RecordedAt: e.RecordedAt.UTC().Format(time.RFC3339Nano), PrevHash: e.PrevHash,
	}
	if withHash {
		c.Hash = e.Hash
	}
	return c
}

// Seal sets Seq, RecordedAt and PrevHash and computes Hash, linking the event
// into the log's hash chain.
func (e *Event) Seal(seq uint64, recordedAt time.Time, prevHash string) {
	e.Seq, e.RecordedAt, e.PrevHash = seq, recordedAt.UTC(), prevHash
	c := e.canonical(false)
	// One buffer for what is hashed (prevHash, a newline, the canonical
	// encoding) and the record after it, with room for the hash: the hash
	// is the record's last field, spliced in rather than encoded again.
	head := len(prevHash) + 1
	n, plain := plainCanonicalLen(&c)
	buf := make([]byte, head, head+n+hashHexLen)
	copy(buf, prevHash)
	buf[head-1] = '\n'
	if plain {
		buf = appendPlainCanonical(buf, &c)
	} else {
		b, _ := json.Marshal(c)
		buf = append(buf, b...)
	}
	sum := sha256.Sum256(buf)
	rec := append(buf[head:len(buf)-1], `,"hash":"`...)
	rec = hex.AppendEncode(rec, sum[:])
	e.Hash = string(rec[len(rec)-hashHexLen:])
	e.record, e.plainRecord = append(rec, `"}`...), plain
}

// hashHexLen is the length of an event's hash: a SHA-256 sum in hex.
const hashHexLen = 2 * sha256.Size

// ComputeHash returns H(prevHash, canonical event) as hex SHA-256. A stored
// event is intact when ComputeHash equals Hash and PrevHash equals the Hash of
// the event before it.
func (e *Event) ComputeHash() string {
	b, _ := marshalCanonical(e.canonical(false))
	return hashOf(e.PrevHash, b)
}

func hashOf(prev string, canon []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

// MarshalRecord encodes a sealed event as it is stored and served.
func (e *Event) MarshalRecord() ([]byte, error) {
	if e.record != nil {
		return e.record, nil
	}
	return marshalCanonical(e.canonical(true))
}

// UnmarshalRecord decodes what MarshalRecord wrote.
// A record in appendCanonical's plain form (every record the factory's
// events make) is read without reflection (parseCanonical), anything else
// with json.Unmarshal: the same answer either way.
func UnmarshalRecord(b []byte) (*Event, error) {
	c, ok := parseCanonical(b)
	if !ok {
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("decode event record: %w", err)
		}
	}
	t, err := time.Parse(time.RFC3339Nano, c.Time)
	if err != nil {
		return nil, fmt.Errorf("decode event record %d time: %w", c.Seq, err)
	}
	r, err := time.Parse(time.RFC3339Nano, c.RecordedAt)
	if err != nil {
		return nil, fmt.Errorf("decode event record %d recordedAt: %w", c.Seq, err)
	}
	return &Event{ID: c.ID, Type: c.Type, Time: t, Station: c.Station, Operator: c.Operator,
		Data: c.Data, Props: c.Props, RecordedBy: c.RecordedBy, Seq: c.Seq, RecordedAt: r, PrevHash: c.PrevHash, Hash: c.Hash}, nil
}

// SameContent reports whether a and b carry the same client content (id, type,
// time, station, operator, data, props), whatever the server and the store added:
// the same event sent again by someone else is a duplicate, and the log
// keeps the RecordedBy of the first.
func SameContent(a, b *Event) bool {
	return a.ID == b.ID && a.Type == b.Type && a.Time.Equal(b.Time) && a.Station == b.Station &&
		a.Operator == b.Operator && bytes.Equal(a.Data, b.Data) && maps.Equal(a.Props, b.Props)
}

// The times a record can carry, in unix seconds: edges keep times as int64
// nanoseconds since 1970 (which end in April 2262) with 0 meaning "none".
const (
	earliestUnix = 1          // 1970-01-01T00:00:01Z
	latestUnix   = 9214646400 // 2262-01-01T00:00:00Z, excluded
)

// checkTime refuses a time a record cannot carry. t must be in UTC.
func checkTime(field string, t time.Time) *Error {
	if s := t.Unix(); s < earliestUnix || s >= latestUnix {
		return Errorf(CodeInvalid, field, "%s %s is out of range: times must be from 1970-01-01T00:00:01Z to before 2262-01-01T00:00:00Z (UTC)",
			field, t.Format(time.RFC3339Nano))
	}
	return nil
}

// parseTime parses an RFC 3339 time that has at most nanosecond precision
// (time.Parse would drop further digits silently).
func parseTime(field, s string) (time.Time, *Error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, Errorf(CodeInvalid, field, "%s %q is not RFC 3339 (e.g. 2026-03-01T08:00:00Z)", field, s)
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		n := 0
		for _, c := range s[i+1:] {
			if c < '0' || c > '9' {
				break
			}
			n++
		}
		if n > 9 {
			return time.Time{}, Errorf(CodeInvalid, field, "%s %q has more than 9 fractional digits: a record keeps nanoseconds", field, s)
		}
	}
	return t, nil
}

func checkText(field, s string, max int, required bool) *Error {
	if s == "" {
		if required {
			return Errorf(CodeInvalid, field, "%s is required", field)
		}
		return nil
	}
	if len(s) > max {
		return Errorf(CodeInvalid, field, "%s is longer than %d bytes", field, max)
	}
	if !utf8.ValidString(s) {
		return Errorf(CodeInvalid, field, "%s is not valid UTF-8: text must be UTF-8", field)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return Errorf(CodeInvalid, field, "%s has a control character", field)
		}
	}
	if strings.TrimSpace(s) != s {
		return Errorf(CodeInvalid, field, "%s %q has leading or trailing spaces", field, s)
	}
	return nil
}
