package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/resolvers"
)

// EventsResponse is the answer of POST /api/v1/events.
type EventsResponse struct {
	Accepted   int            `json:"accepted"`
	Duplicates int            `json:"duplicates"`
	Rejected   int            `json:"rejected"`
	Outcomes   []EventOutcome `json:"outcomes"`
}

// EventOutcome is what became of one event of the body: Index is its
// position (from 0), Line its line in the body (from 1).
type EventOutcome struct {
	Index  int               `json:"index"`
	Line   int               `json:"line"`
	ID     string            `json:"id,omitempty"`
	Status string            `json:"status"`
	Seq    uint64            `json:"seq,omitempty"`
	Error  *tracegraph.Error `json:"error,omitempty"`
}

// rawEvent is one event of a body and the line it starts on.
type rawEvent struct {
	raw  json.RawMessage
	line int
}

// postEvents is the shop-floor transaction interface: a JSON array of
// events or NDJSON (one event per line), decided by Content-Type or, failing
// that, by the first character of the body. Each event gets an outcome;
// ?atomic=true applies all or none. 200 when no event was rejected, 422 when
// any was (the body still has every outcome), 400 for an unreadable body, 413
// for one above the size limit.
func (s *Server) postEvents(c echo.Context) error {
	ctx := c.Request().Context()
	var opts tracegraph.ApplyOptions
	if v := c.QueryParam("atomic"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return s.fail(c, tracegraph.Errorf(tracegraph.CodeInvalid, "atomic", "atomic=%q is not true or false", v))
		}
		opts.Atomic = b
	}
	r := c.Request()
	if r.ContentLength > s.cfg.MaxEventsBody {
		return s.fail(c, tracegraph.Errorf(tracegraph.CodeLimit, "", "the body is larger than %d bytes; split it", s.cfg.MaxEventsBody))
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxEventsBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return s.fail(c, tracegraph.Errorf(tracegraph.CodeLimit, "", "the body is larger than %d bytes; split it", s.cfg.MaxEventsBody))
		}
		return s.fail(c, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body could not be read"))
	}
	events, err := splitEvents(body, r.Header.Get("Content-Type"))
	if err != nil {
		return s.fail(c, err)
	}
	raws := make([]json.RawMessage, len(events))
	for i, e := range events {
		raws[i] = e.raw
	}
	outs, err := resolvers.ApplyRaw(ctx, s.cfg.Store, raws, opts)
	if err != nil {
		return s.fail(c, err)
	}
	s.metrics.countOutcomes(outs)
	t := tracegraph.CountOutcomes(outs)
	resp := EventsResponse{Accepted: t.Accepted, Duplicates: t.Duplicates, Rejected: t.Rejected,
		Outcomes: make([]EventOutcome, len(outs))}
	for i, o := range outs {
		resp.Outcomes[i] = EventOutcome{Index: o.Index, Line: events[i].line, ID: o.ID, Status: o.Status, Seq: o.Seq, Error: o.Error}
	}
	status := http.StatusOK
	if t.Rejected > 0 {
		status = http.StatusUnprocessableEntity
	}
	return c.JSON(status, resp)
}

// splitEvents splits a body into its events: a JSON array, or NDJSON. An
// empty body or a malformed array is an INVALID error; a malformed NDJSON
// line is left for the decoder, which rejects that event alone.
func splitEvents(body []byte, contentType string) ([]rawEvent, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body has no events (send a JSON array of events or NDJSON, one event per line)")
	}
	var events []rawEvent
	var err error
	switch {
	case mt == "application/x-ndjson" || mt == "application/ndjson" || mt == "application/jsonl" || mt == "application/x-jsonlines":
		events = splitLines(body)
	case trimmed[0] == '[':
		events, err = splitArray(body)
	default:
		events = splitLines(body)
	}
	if err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body has no events")
	}
	return events, nil
}

func splitLines(body []byte) []rawEvent {
	var out []rawEvent
	line := 0
	for len(body) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			l, body = body[:i], body[i+1:]
		} else {
			l, body = body, nil
		}
		if l = bytes.TrimSpace(l); len(l) > 0 {
			out = append(out, rawEvent{raw: l, line: line})
		}
	}
	return out
}

func splitArray(body []byte) ([]rawEvent, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return nil, arrayError(body, dec, err)
	}
	var out []rawEvent
	for dec.More() {
		start := skipSpace(body, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, arrayError(body, dec, err)
		}
		out = append(out, rawEvent{raw: raw, line: 1 + bytes.Count(body[:start], []byte{'\n'})})
	}
	if _, err := dec.Token(); err != nil {
		return nil, arrayError(body, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "unexpected data after the JSON array")
	}
	return out, nil
}

// skipSpace returns the offset of the first non-space byte (or comma) at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' || b[i] == ',') {
		i++
	}
	return i
}

func arrayError(body []byte, dec *json.Decoder, err error) error {
	off := int(dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset)
	}
	line := 1 + bytes.Count(body[:min(off, len(body))], []byte{'\n'})
	return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not a well-formed JSON array (line %d, byte %d): %s; send NDJSON to have each line judged alone", line, off, err)
}
