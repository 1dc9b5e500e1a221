package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest"
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

// postEvents is the shop-floor transaction interface: a JSON array of
// events or NDJSON (one event per line), decided by Content-Type or, for
// application/json, by the first character of the body. Each event gets an
// outcome; ?atomic=true applies all or none. 200 when no event was rejected,
// 422 when any was (the body still has every outcome), 400 for an unreadable
// body, 413 for one above the size limit or with more events than
// Config.MaxEventsPerRequest.
//
// The body is read and decoded event by event (ingest.Read, ingest.Batch), never held
// whole, and reading stops at the first event beyond the limit; the answer
// clips what it echoes (ids, messages), so that its size is bounded too
// (EventsAnswerBound).
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
		return s.fail(c, s.bodyTooLarge())
	}
	body := http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxEventsBody)
	batch, err := s.readEvents(ctx, body, r.ContentLength, r.Header.Get("Content-Type"))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return s.fail(c, s.bodyTooLarge())
		}
		return s.fail(c, err)
	}
	res, err := batch.Apply(ctx, s.cfg.Store, opts)
	if err != nil {
		return s.fail(c, err)
	}
	s.metrics.countOutcomes(res.Outcomes)
	resp := EventsResponse{Accepted: res.Accepted, Duplicates: res.Duplicates, Rejected: res.Rejected,
		Outcomes: make([]EventOutcome, len(res.Outcomes))}
	for i, o := range res.Outcomes {
		if o.Error != nil {
			o.Error = &tracegraph.Error{Code: o.Error.Code, Field: tracegraph.Clip(o.Error.Field, maxEchoed), Message: tracegraph.Clip(o.Error.Message, maxEchoedMessage)}
		}
		resp.Outcomes[i] = EventOutcome{Index: o.Index, Line: res.Lines[i], ID: o.ID, Status: o.Status, Seq: o.Seq, Error: o.Error}
	}
	status := http.StatusOK
	if res.Rejected > 0 {
		status = http.StatusUnprocessableEntity
	}
	if _, pretty := c.QueryParams()["pretty"]; pretty || c.Echo().Debug {
		return c.JSON(status, resp) // indented
	}
	buf, _ := s.answers.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	*buf = appendEventsResponse((*buf)[:0], &resp)
	err = c.JSONBlob(status, *buf) // written (copied) before it returns
	if cap(*buf) <= maxPooledAnswer {
		s.answers.Put(buf)
	}
	return err
}

// maxPooledAnswer is the largest answer buffer s.answers keeps: the answer
// to a body of a few hundred events.
const maxPooledAnswer = 64 << 10

func (s *Server) bodyTooLarge() error {
	return tracegraph.Errorf(tracegraph.CodeLimit, "", "the body is larger than %d bytes (the limit per request); split it", s.cfg.MaxEventsBody)
}

// readWholeBody reads a write's body into memory, at most
// Config.MaxEventsBody bytes: a larger one is a LIMIT error, one that cannot
// be read an INVALID one. For the endpoints that need the document whole
// (CFX, EPCIS); POST /api/v1/events streams instead.
func (s *Server) readWholeBody(c echo.Context) ([]byte, error) {
	r := c.Request()
	if r.ContentLength > s.cfg.MaxEventsBody {
		return nil, s.bodyTooLarge()
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxEventsBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, s.bodyTooLarge()
		}
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "reading the body: %v", err)
	}
	return body, nil
}

// readEvents reads and decodes the events of a body of size bytes (-1 when
// not known; an ingest.EventReader of s.readers) into a batch, one at a time, recorded by
// the principal of ctx. More events than Config.MaxEventsPerRequest is a
// LIMIT error, and none an INVALID one.
func (s *Server) readEvents(ctx context.Context, body io.Reader, size int64, contentType string) (*ingest.Batch, error) {
	batch := ingest.NewBatch(expectedEvents(size, s.cfg.MaxEventsPerRequest))
	rd, _ := s.readers.Get().(*ingest.EventReader)
	if rd == nil {
		rd = ingest.NewEventReader()
	}
	defer s.readers.Put(rd)
	err := rd.Read(body, size, contentType, func(ev *tracegraph.Event, err error, raw []byte, line int) error {
		if batch.Len() >= s.cfg.MaxEventsPerRequest {
			return tracegraph.Errorf(tracegraph.CodeLimit, "", "the body has more than %d events (the limit per request); split it", s.cfg.MaxEventsPerRequest)
		}
		batch.AddDecoded(ctx, ev, err, raw, line)
		return nil
	})
	if err == nil && batch.Len() == 0 {
		err = tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body has no events (send a JSON array of events or NDJSON, one event per line)")
	}
	return batch, err
}

// typicalEventBytes is about the size of an event as a line's controller
// sends it (273 bytes in the reference factory's bodies).
const typicalEventBytes = 256

// expectedEvents guesses how many events a body of size bytes (-1 when not
// known) holds, at most limit, so that the batch reading it is made that
// large at once instead of growing as it reads: the guess only sizes it.
func expectedEvents(size int64, limit int) int {
	if size <= 0 {
		return 0
	}
	return int(min(size/typicalEventBytes+1, int64(limit)))
}
