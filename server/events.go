package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
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

// postEvents is the shop-floor transaction interface: a JSON array of
// events or NDJSON (one event per line), decided by Content-Type or, for
// application/json, by the first character of the body. Each event gets an
// outcome; ?atomic=true applies all or none. 200 when no event was rejected,
// 422 when any was (the body still has every outcome), 400 for an unreadable
// body, 413 for one above the size limit or with more events than
// Config.MaxEventsPerRequest.
//
// The body is read and decoded event by event (resolvers.Batch), never held
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
	rd := eventReader{ctx: ctx, max: s.cfg.MaxEventsPerRequest, batch: resolvers.NewBatch(0)}
	if err := rd.read(body, r.Header.Get("Content-Type")); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return s.fail(c, s.bodyTooLarge())
		}
		return s.fail(c, err)
	}
	outs, err := rd.batch.Apply(ctx, s.cfg.Store, opts)
	if err != nil {
		return s.fail(c, err)
	}
	s.metrics.countOutcomes(outs)
	t := tracegraph.CountOutcomes(outs)
	resp := EventsResponse{Accepted: t.Accepted, Duplicates: t.Duplicates, Rejected: t.Rejected,
		Outcomes: make([]EventOutcome, len(outs))}
	for i, o := range outs {
		if o.Error != nil {
			o.Error = &tracegraph.Error{Code: o.Error.Code, Field: resolvers.Clip(o.Error.Field, maxEchoed), Message: resolvers.Clip(o.Error.Message, maxEchoedMessage)}
		}
		resp.Outcomes[i] = EventOutcome{Index: o.Index, Line: rd.lines[i], ID: o.ID, Status: o.Status, Seq: o.Seq, Error: o.Error}
	}
	status := http.StatusOK
	if t.Rejected > 0 {
		status = http.StatusUnprocessableEntity
	}
	return c.JSON(status, resp)
}

func (s *Server) bodyTooLarge() error {
	return tracegraph.Errorf(tracegraph.CodeLimit, "", "the body is larger than %d bytes (the limit per request); split it", s.cfg.MaxEventsBody)
}

// eventReader reads the events of a body into a batch, one at a time.
type eventReader struct {
	ctx   context.Context // of the request: its principal records the events
	max   int             // events per request
	batch *resolvers.Batch
	lines []int // the line each event starts on
}

// add adds one event that starts on line, or fails with LIMIT when it is
// one too many.
func (rd *eventReader) add(raw []byte, line int) error {
	if rd.batch.Len() >= rd.max {
		return tracegraph.Errorf(tracegraph.CodeLimit, "", "the body has more than %d events (the limit per request); split it", rd.max)
	}
	rd.batch.Add(rd.ctx, raw)
	rd.lines = append(rd.lines, line)
	return nil
}

// ndjsonTypes are the media types of NDJSON.
var ndjsonTypes = []string{"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"}

// read reads a JSON array of events or NDJSON. An empty body or a malformed
// array is an INVALID error; a malformed NDJSON line is left for the
// decoder, which rejects that event alone.
func (rd *eventReader) read(body io.Reader, contentType string) error {
	mt, _, _ := mime.ParseMediaType(contentType)
	br := bufio.NewReaderSize(body, 64<<10)
	first, skipped, err := firstByte(br)
	if err != nil && err != io.EOF {
		return err
	}
	if err == io.EOF {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body has no events (send a JSON array of events or NDJSON, one event per line)")
	}
	if first == '[' && !slices.Contains(ndjsonTypes, mt) {
		err = rd.readArray(br, skipped)
	} else {
		err = rd.readLines(br, skipped)
	}
	if err != nil {
		return err
	}
	if rd.batch.Len() == 0 {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body has no events")
	}
	return nil
}

// firstByte returns the first byte of r that is not white space, unread,
// and how many lines the white space before it ended.
func firstByte(r *bufio.Reader) (byte, int, error) {
	lines := 0
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, lines, err
		}
		if !isSpace(b) {
			return b, lines, r.UnreadByte()
		}
		if b == '\n' {
			lines++
		}
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// readLines reads NDJSON, the first skipped lines of the body already
// read. A line longer than an event may be is read no further than needed
// to reject it.
func (rd *eventReader) readLines(r *bufio.Reader, skipped int) error {
	var buf []byte
	for line := 1 + skipped; ; line++ {
		buf = buf[:0]
		var err error
		for {
			var frag []byte
			frag, err = r.ReadSlice('\n')
			if len(buf) <= tracegraph.MaxEventBytes {
				buf = append(buf, frag[:min(len(frag), tracegraph.MaxEventBytes+1-len(buf))]...)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return err
		}
		if l := bytes.TrimSpace(buf); len(l) > 0 {
			if aerr := rd.add(l, line); aerr != nil {
				return aerr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readArray reads a JSON array of events, the first skipped lines of the
// body already read.
func (rd *eventReader) readArray(r io.Reader, skipped int) error {
	lc := &lineCounter{r: r, passed: skipped}
	dec := json.NewDecoder(lc)
	if _, err := dec.Token(); err != nil {
		return arrayError(lc, dec, err)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return arrayError(lc, dec, err)
		}
		// raw is the element's text; it ends where the decoder is.
		line := lc.line(dec.InputOffset()) - bytes.Count(raw, []byte{'\n'})
		if err := rd.add(raw, line); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return arrayError(lc, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "", "unexpected data after the JSON array")
	}
	return nil
}

// lineCounter counts the newlines of what it reads, so that the line of an
// offset already read can be told without keeping the text: it remembers
// only the newlines the decoder has read ahead of the offsets asked about.
type lineCounter struct {
	r      io.Reader
	off    int64
	ahead  []int64 // offsets of newlines not yet passed
	passed int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.ahead = append(c.ahead, c.off+int64(i))
		}
	}
	c.off += int64(n)
	return n, err
}

// line returns the line (from 1) of offset off; off must not decrease from
// one call to the next.
func (c *lineCounter) line(off int64) int {
	i := 0
	for i < len(c.ahead) && c.ahead[i] < off {
		i++
	}
	c.passed += i
	c.ahead = append(c.ahead[:0], c.ahead[i:]...)
	return 1 + c.passed
}

func arrayError(lc *lineCounter, dec *json.Decoder, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not a well-formed JSON array (line %d, byte %d): %s; send NDJSON to have each line judged alone", lc.line(off), off, resolvers.Clip(err.Error(), maxEchoed))
}
