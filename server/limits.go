package server

import (
	"strings"

	"github.com/tracegraph/tracegraph"
)

// DefaultMaxEventsPerRequest is the default of Config.MaxEventsPerRequest:
// the largest batch `tracegraph import --batch` sends.
const DefaultMaxEventsPerRequest = tracegraph.MaxListLen

// maxEchoed is how many bytes of a client's text an answer echoes at most
// (in an error message, a field name, an id).
const maxEchoed = 200

// clip shortens s to at most n bytes (on a character boundary) and marks the
// cut with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// Per-outcome sizes of an answer of POST /api/v1/events: its fixed part
// (index, line, status, seq, code and the JSON around them), and the three
// clipped texts (id, field, message), each of which JSON may escape to six
// bytes a byte at worst.
const (
	outcomeFixed = 160
	outcomeTexts = 6 * (tracegraph.MaxEventIDLen + 2*maxEchoed + 3*len("…"))
)

// EventsAnswerBound returns the most bytes an answer of POST /api/v1/events
// can have under cfg (its defaults filled in): a bounded amount per event,
// whatever the events say.
func EventsAnswerBound(cfg Config) int64 {
	cfg = cfg.withDefaults()
	return int64(cfg.MaxEventsPerRequest) * int64(outcomeFixed+outcomeTexts)
}

// EventsMemoryBound returns how much one POST /api/v1/events may grow the
// heap under cfg (defaults filled in), as docs/reliability.md states it: the
// body is never held whole, but its decoded events are: six times the body
// limit covers their text, their decoded payloads (a list of short serials
// takes about 2.5 times its text) and the garbage of decoding not yet
// collected (measured: 42 MB for 8 MB of events); plus twice the answer
// (the outcomes, then their JSON), plus 16 MB of buffers.
func EventsMemoryBound(cfg Config) int64 {
	cfg = cfg.withDefaults()
	return 6*cfg.MaxEventsBody + 2*EventsAnswerBound(cfg) + 16<<20
}
