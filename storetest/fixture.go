package storetest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Base is the moment minute 0 of a fixture stands for, as an RFC 3339 string:
// Monday 2 March 2026, 08:00 UTC. It lies in the past so that "now" and "after
// the last event" mean the same structure.
const Base = "2026-03-02T08:00:00Z"

// At returns the time minute m of a fixture stands for (m may be negative).
func At(m int) time.Time {
	b, _ := time.Parse(time.RFC3339, Base)
	return b.Add(time.Duration(m) * time.Minute)
}

// ParseEvents decodes a fixture: one event per line as
//
//	MINUTE ID TYPE DATA
//
// where MINUTE is an integer count of minutes from Base, ID the client's event
// id, TYPE an event type and DATA the rest of the line, the event's data as
// JSON. Blank lines and lines starting with # are skipped. Each event goes
// through tracegraph.DecodeEvent, so a fixture is also a test of decoding.
func ParseEvents(text string) ([]*tracegraph.Event, error) {
	var out []*tracegraph.Event
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			return nil, fmt.Errorf("fixture line %d: want MINUTE ID TYPE DATA, got %q", n+1, line)
		}
		m, err := strconv.Atoi(f[0])
		if err != nil {
			return nil, fmt.Errorf("fixture line %d: minute %q: %w", n+1, f[0], err)
		}
		// DATA is what follows the third field, spaces and all.
		rest := line
		for i := 0; i < 3; i++ {
			rest = strings.TrimSpace(rest)
			rest = rest[len(f[i]):]
		}
		ev, err := NewEvent(f[1], tracegraph.EventType(f[2]), At(m), json.RawMessage(strings.TrimSpace(rest)))
		if err != nil {
			return nil, fmt.Errorf("fixture line %d: %w", n+1, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// NewEvent builds a normalized event with the id, type, time and data (any
// value that encodes as the event's JSON data, such as a map, a payload struct
// or a json.RawMessage). It goes through tracegraph.DecodeEvent.
func NewEvent(id string, typ tracegraph.EventType, at time.Time, data any) (*tracegraph.Event, error) {
	raw, err := json.Marshal(map[string]any{
		"id": id, "type": typ, "time": at.UTC().Format(time.RFC3339Nano), "data": data,
	})
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", id, err)
	}
	ev, err := tracegraph.DecodeEvent(raw)
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", id, err)
	}
	return ev, nil
}
