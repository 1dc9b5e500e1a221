package server

import (
	"strconv"

	"github.com/tracegraph/tracegraph/internal/jsontext"
)

// appendEventsResponse appends r as echo's Context.JSON writes it
// (json.Encoder with HTML escaping, no indent, a newline after), without
// reflection: the answer of every POST /api/v1/events.
// TestEventsAnswerAsEncoded and FuzzEventsAnswer hold it to that.
func appendEventsResponse(b []byte, r *EventsResponse) []byte {
	b = append(b, `{"accepted":`...)
	b = strconv.AppendInt(b, int64(r.Accepted), 10)
	b = append(b, `,"duplicates":`...)
	b = strconv.AppendInt(b, int64(r.Duplicates), 10)
	b = append(b, `,"rejected":`...)
	b = strconv.AppendInt(b, int64(r.Rejected), 10)
	b = append(b, `,"outcomes":`...)
	if r.Outcomes == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Outcomes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendEventOutcome(b, &r.Outcomes[i])
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...)
}

func appendEventOutcome(b []byte, o *EventOutcome) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(o.Index), 10)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(o.Line), 10)
	if o.ID != "" {
		b = append(b, `,"id":`...)
		b = jsontext.AppendString(b, o.ID)
	}
	b = append(b, `,"status":`...)
	b = jsontext.AppendString(b, o.Status)
	if o.Seq != 0 {
		b = append(b, `,"seq":`...)
		b = strconv.AppendUint(b, o.Seq, 10)
	}
	if e := o.Error; e != nil {
		b = append(b, `,"error":{"code":`...)
		b = jsontext.AppendString(b, string(e.Code))
		if e.Field != "" {
			b = append(b, `,"field":`...)
			b = jsontext.AppendString(b, e.Field)
		}
		b = append(b, `,"message":`...)
		b = jsontext.AppendString(b, e.Message)
		b = append(b, '}')
	}
	return append(b, '}')
}
