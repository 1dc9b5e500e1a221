package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"slices"

	"github.com/tracegraph/tracegraph"
)

// ndjsonTypes are the media types of NDJSON: one event per line.
var ndjsonTypes = []string{"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"}

// MediaTypes returns the media types a body of events may have:
// application/json (a JSON array, or NDJSON) and the NDJSON types.
func MediaTypes() []string { return append([]string{"application/json"}, ndjsonTypes...) }

// IsNDJSON reports whether contentType (a Content-Type header value) names
// NDJSON.
func IsNDJSON(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return slices.Contains(ndjsonTypes, mt)
}

// maxEchoed bounds what an error quotes of the body.
const maxEchoed = 200

// Read splits a body of events and calls fn with each event's text and the
// line (from 1) it starts on, in order. The body is a JSON array of events
// or NDJSON, one event per line, decided by contentType: an NDJSON type is
// NDJSON; any other (application/json, or none for a file) is a JSON array
// when the body's first character is '[' and NDJSON otherwise.
//
// The body is read as it goes, never held whole. A malformed array is an
// INVALID error naming its line and byte; a malformed NDJSON line is handed
// to fn like any other, for the decoder to reject alone, and a line longer
// than tracegraph.MaxEventBytes is read no further than needed to reject it.
// A body of white space calls fn never. An error of fn, or of reading body,
// ends Read and is returned as it is.
func Read(body io.Reader, contentType string, fn func(raw []byte, line int) error) error {
	return ReadSized(body, -1, contentType, fn)
}

// maxReadBuffer is the size of Read's buffer.
const maxReadBuffer = 64 << 10

// ReadSized is Read for a body of size bytes (an HTTP request's
// Content-Length; -1 when not known): its buffer, which a request's body
// fills once, is no larger than the body, rather than 64 KiB for a body of
// a few (a tenth of the bytes allocated per event in durable ingest over
// HTTP, docs/bench-ingest.md, "Fifth pass"). What it reads is Read's
// whatever size says: a wrong size only makes the reads smaller or the
// buffer larger than needed.
func ReadSized(body io.Reader, size int64, contentType string, fn func(raw []byte, line int) error) error {
	return readBody(nil, body, size, contentType, fn, validThen(fn))
}

// ReadEvents is ReadSized with each event decoded as it is read
// (tracegraph.DecodeEvent): fn gets the event, or nil and the error
// refusing it, with its text and line. It answers as ReadSized with an fn
// that decodes raw; but an element of a JSON array that decodes is not
// scanned again to check that it is JSON, as ReadSized does before it
// hands an element on: what DecodeEvent accepts is JSON
// (TestDecodedIsJSON), so only a refused one is checked.
func ReadEvents(body io.Reader, size int64, contentType string, fn func(ev *tracegraph.Event, err error, raw []byte, line int) error) error {
	return readEvents(nil, nil, body, size, contentType, fn)
}

// EventReader reads bodies as ReadEvents does, keeping for the next body
// what it needs for every one: its buffer (of maxReadBuffer bytes, which
// takes any body as a buffer of its size does) and a
// tracegraph.EventDecoder, which shares the short strings bodies repeat.
// POST /api/v1/events keeps a pool of them. An EventReader is not safe for
// concurrent use.
type EventReader struct {
	decoder *tracegraph.EventDecoder
	buf     *bufio.Reader
}

// NewEventReader returns an EventReader.
func NewEventReader() *EventReader {
	return &EventReader{decoder: tracegraph.NewEventDecoder(), buf: bufio.NewReaderSize(nil, maxReadBuffer)}
}

// Read is ReadEvents(body, size, contentType, fn).
func (r *EventReader) Read(body io.Reader, size int64, contentType string, fn func(ev *tracegraph.Event, err error, raw []byte, line int) error) error {
	defer r.buf.Reset(nil) // keeps nothing of body
	return readEvents(r.decoder, r.buf, body, size, contentType, fn)
}

// readEvents is ReadEvents decoding with d (nil: DecodeEvent) and reading
// through br (nil: a new buffer).
func readEvents(d *tracegraph.EventDecoder, br *bufio.Reader, body io.Reader, size int64, contentType string, fn func(ev *tracegraph.Event, err error, raw []byte, line int) error) error {
	decoded := func(raw []byte, line int) error {
		ev, err := d.Decode(raw)
		return fn(ev, err, raw, line)
	}
	framed := func(raw []byte, line int) (bool, error) {
		ev, err := d.Decode(raw)
		if err != nil && !tracegraph.ValidJSON(raw) {
			return false, nil
		}
		return true, fn(ev, err, raw, line)
	}
	return readBody(br, body, size, contentType, decoded, framed)
}

// readBody is ReadSized, reading through br (nil: a new buffer for the
// body's size): fn takes each event's text, and framed each element of an
// array that readArrayFramed frames itself.
func readBody(br *bufio.Reader, body io.Reader, size int64, contentType string, fn func([]byte, int) error, framed func([]byte, int) (bool, error)) error {
	if br == nil {
		n := maxReadBuffer
		if size >= 0 && size < maxReadBuffer {
			n = max(int(size)+1, 512) // +1: the reader sees the end of the body in the same fill
		}
		br = bufio.NewReaderSize(body, n)
	} else {
		br.Reset(body)
	}
	first, skipped, err := firstByte(br)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	if first == '[' && !IsNDJSON(contentType) {
		return readArrayFramed(br, skipped, fn, framed)
	}
	return readLines(br, skipped, fn)
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

// readLines reads NDJSON, the first skipped lines of the body already read.
func readLines(r *bufio.Reader, skipped int, fn func([]byte, int) error) error {
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
			if ferr := fn(l, line); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// decodeArray reads a JSON array of events with encoding/json (readArray
// reads the common form faster, and falls back on this for everything
// else): the first passed lines of the body ended before what src gives
// beyond its first skip elements, which fn does not see. Those stand in for
// what readArray read before it fell back (arrayPrefix).
func decodeArray(src io.Reader, passed, skip int, fn func([]byte, int) error) error {
	lc := &lineCounter{r: src, passed: passed}
	dec := json.NewDecoder(lc)
	if _, err := dec.Token(); err != nil {
		return arrayError(lc, dec, err)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return arrayError(lc, dec, err)
		}
		if skip > 0 {
			skip--
			continue
		}
		// raw is the element's text; it ends where the decoder is.
		line := lc.line(dec.InputOffset()) - bytes.Count(raw, []byte{'\n'})
		if err := fn(raw, line); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return arrayError(lc, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if lc.err != nil && lc.err != io.EOF {
			return lc.err
		}
		return tracegraph.Errorf(tracegraph.CodeInvalid, "", "unexpected data after the JSON array")
	}
	return nil
}

// lineCounter counts the newlines of what it reads, so that the line of an
// offset already read can be told without keeping the text: it remembers
// only the newlines the decoder has read ahead of the offsets asked about.
// It keeps the error of the reader, so that a failure to read is told from
// malformed JSON.
type lineCounter struct {
	r      io.Reader
	off    int64
	ahead  []int64 // offsets of newlines not yet passed
	passed int
	err    error
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.ahead = append(c.ahead, c.off+int64(i))
		}
	}
	c.off += int64(n)
	c.err = err
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

// arrayError returns the reader's error when reading failed, and otherwise
// an INVALID error saying where the array is malformed.
func arrayError(lc *lineCounter, dec *json.Decoder, err error) error {
	if lc.err != nil && lc.err != io.EOF {
		return lc.err
	}
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not a well-formed JSON array (line %d, byte %d): %s; send NDJSON to have each line judged alone", lc.line(off), off, tracegraph.Clip(err.Error(), maxEchoed))
}
