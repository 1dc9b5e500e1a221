package tracegraph

import "hash/maphash"

// EventDecoder decodes events as DecodeEvent does, keeping the short
// strings it reads (event types, stations, operators, steps, recipes,
// results, part numbers, parameter names...) in a small table, so that a
// string it read before is shared instead of allocated again. A factory's
// events repeat a few hundred such names, so most of an event's strings are
// found in the table: fewer allocations and less for the collector to mark.
// What it decodes is exactly what DecodeEvent decodes (TestEventDecoderAgrees,
// FuzzEventDecoderAgrees).
//
// The table is direct-mapped (a string replaces the one in its slot) and
// holds at most eventNameSlots strings of at most maxEventName bytes, each
// its own allocation: it never keeps an event's text alive. An
// EventDecoder is not safe for concurrent use; the zero value is not ready,
// use NewEventDecoder.
type EventDecoder struct {
	seed  maphash.Seed
	names [eventNameSlots]string
}

const (
	// eventNameSlots is the size of an EventDecoder's table: the reference
	// factory's bodies hold a few hundred distinct names.
	eventNameSlots = 1024
	// maxEventName is the longest string an EventDecoder keeps.
	maxEventName = 48
)

// NewEventDecoder returns an EventDecoder with an empty table.
func NewEventDecoder() *EventDecoder { return &EventDecoder{seed: maphash.MakeSeed()} }

// Decode is DecodeEvent(b), sharing the strings it has read before (a nil
// d shares none: DecodeEvent).
func (d *EventDecoder) Decode(b []byte) (*Event, error) { return decodeEventWith(b, true, d) }

// name returns raw as a string: the one in the table when it holds it,
// else a new one, which then takes raw's slot. A nil d allocates always.
func (d *EventDecoder) name(raw []byte) string {
	if d == nil || len(raw) > maxEventName {
		return string(raw)
	}
	slot := &d.names[maphash.Bytes(d.seed, raw)%eventNameSlots]
	if *slot == string(raw) {
		return *slot
	}
	s := string(raw)
	*slot = s
	return s
}
