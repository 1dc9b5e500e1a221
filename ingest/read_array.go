package ingest

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// readArray reads a JSON array of events, the first skipped lines of the
// body already read, its '[' next in r. It frames the form clients send
// itself: elements that are objects, valid JSON each (json.Valid, as
// tracegraph.ValidJSON answers it), separated by commas and white space,
// then nothing but white space. At anything else (another value, a syntax
// error, the body ending early or failing to be read) it hands the rest of
// the body, from just after the last element it called fn with, to
// decodeArray (encoding/json), so that fn sees the same events on the same
// lines and the error is the same, byte for byte, as if encoding/json had
// read the whole array. encoding/json scanned each element twice
// (json.Decoder, then json.RawMessage); this scans it once.
func readArray(r *bufio.Reader, skipped int, fn func([]byte, int) error) error {
	return readArrayFramed(r, skipped, fn, validThen(fn))
}

// validThen returns the framed function of readArrayFramed that hands
// each element that is JSON (tracegraph.ValidJSON) to fn.
func validThen(fn func([]byte, int) error) func([]byte, int) (bool, error) {
	return func(raw []byte, line int) (bool, error) {
		if !tracegraph.ValidJSON(raw) {
			return false, nil
		}
		return true, fn(raw, line)
	}
}

// readArrayFramed is readArray with the elements it frames itself handed
// to framed, which answers false, having done nothing, for one that is not
// JSON (json.Valid): that one and the rest of the body are then left to
// decodeArray, which calls fn.
func readArrayFramed(r *bufio.Reader, skipped int, fn func([]byte, int) error, framed func([]byte, int) (bool, error)) error {
	s := arrayScan{r: r, lines: skipped, passed: skipped, clean: 1, framed: framed}
	return s.run(fn)
}

// arrayScan is where readArray stands. pending holds what it read since
// the last clean point (the '[' or the end of the last element handed to
// fn): what decodeArray is given to read again when it falls back.
type arrayScan struct {
	r       *bufio.Reader
	off     int64 // offset in the array of the next byte
	lines   int   // lines of the body ended before off
	pending []byte
	// comma is the offset of the comma before the element being read (0:
	// the first element); scanned counts the bytes encoding/json's scanner
	// would have read by the end of the last element (the offsets in its
	// syntax errors count those: the elements, with the white space after
	// each comma, but not the brackets, commas and other white space).
	comma   int64
	scanned int64
	// the last clean point: its offset, the lines ended before it and the
	// elements handed to fn
	clean    int64
	passed   int
	elements int
	framed   func([]byte, int) (bool, error)
}

func (s *arrayScan) run(fn func([]byte, int) error) error {
	if _, err := s.next(); err != nil { // the '['
		return s.fallback(err, fn)
	}
	s.pending = s.pending[:0]
	c, err := s.nextNonSpace()
	for err == nil {
		if c == ']' {
			return s.end(fn)
		}
		if c != '{' {
			return s.fallback(nil, fn)
		}
		if done, err := s.element(fn); done || err != nil {
			return err
		}
		if c, err = s.nextNonSpace(); err != nil || c == ']' {
			continue
		}
		if c != ',' {
			return s.fallback(nil, fn)
		}
		s.comma = s.off - 1
		if c, err = s.nextNonSpace(); err == nil && c == ']' {
			return s.fallback(nil, fn) // a trailing comma: encoding/json's error
		}
	}
	return s.fallback(err, fn)
}

// next reads one byte.
func (s *arrayScan) next() (byte, error) {
	c, err := s.r.ReadByte()
	if err != nil {
		return 0, err
	}
	s.pending = append(s.pending, c)
	s.off++
	if c == '\n' {
		s.lines++
	}
	return c, nil
}

// nextNonSpace reads up to the first byte that is not white space.
func (s *arrayScan) nextNonSpace() (byte, error) {
	for {
		c, err := s.next()
		if err != nil || !isSpace(c) {
			return c, err
		}
	}
}

// element reads an object whose '{' was just read, checks it and hands it
// to fn; the end of it is the next clean point. done reports that it fell
// back (decodeArray read the rest of the body and err is its answer).
func (s *arrayScan) element(fn func([]byte, int) error) (done bool, err error) {
	start, line, at := len(s.pending)-1, 1+s.lines, s.off-1
	depth, inString, escaped := 1, false, false
	for depth > 0 {
		buf, err := s.r.Peek(max(s.r.Buffered(), 1))
		if len(buf) == 0 {
			return true, s.fallback(err, fn)
		}
		i := 0
	scan:
		for ; i < len(buf); i++ {
			c := buf[i]
			switch {
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
				if depth == 0 {
					i++
					break scan
				}
			}
		}
		s.pending = append(s.pending, buf[:i]...)
		s.off += int64(i)
		s.r.Discard(i) // buffered: it cannot fail
	}
	raw := s.pending[start:]
	ok, err := s.framed(raw, line)
	if !ok {
		return true, s.fallback(nil, fn)
	}
	if err != nil {
		return true, err
	}
	s.lines += bytes.Count(raw, []byte{'\n'})
	if s.comma > 0 {
		s.scanned += at - s.comma - 1
	}
	s.scanned += int64(len(raw))
	s.clean, s.passed, s.elements = s.off, s.lines, s.elements+1
	s.pending = s.pending[:0]
	return false, nil
}

// end reads what follows the array's ']': white space only, to the end.
func (s *arrayScan) end(fn func([]byte, int) error) error {
	if _, err := s.nextNonSpace(); err != io.EOF {
		return s.fallback(err, fn) // data after the array, or a failure to read
	}
	return nil
}

// fallback hands the rest of the array to decodeArray: a prefix standing
// for what was read up to the last clean point (arrayPrefix), what was read
// since, then the rest of the body, or the error reading it ended with.
func (s *arrayScan) fallback(err error, fn func([]byte, int) error) error {
	var rest io.Reader = s.r
	if err != nil {
		rest = errReader{err}
	}
	prefix, skip := arrayPrefix(s.clean, s.scanned, s.elements)
	src := io.MultiReader(prefix, bytes.NewReader(s.pending), rest)
	return decodeArray(src, s.passed, skip, fn)
}

// maxStandIn bounds the size of each element arrayPrefix makes, so that
// encoding/json, which holds an element whole, never holds more.
const maxStandIn = 64 << 10

// arrayPrefix returns the text encoding/json reads as it would have read
// the first off bytes of an array holding elements elements, with scanned
// bytes scanned in them: '[', white space, and then up to elements objects
// of white space, separated by commas, scanned bytes in all and none larger
// than maxStandIn (there are at least as many unscanned bytes as elements:
// the '[' and the commas). Its offsets and those of encoding/json's errors
// in what follows are the body's. It returns how many objects it holds.
func arrayPrefix(off, scanned int64, elements int) (io.Reader, int) {
	if elements == 0 {
		return strings.NewReader("["), 0
	}
	n := int((scanned + maxStandIn - 1) / maxStandIn)
	n = min(n, elements)
	parts := []io.Reader{strings.NewReader("["), spaces(off - scanned - int64(n))}
	for i := range n {
		size := scanned / int64(n)
		if i == 0 {
			size += scanned % int64(n)
		} else {
			parts = append(parts, strings.NewReader(","))
		}
		parts = append(parts, strings.NewReader("{"), spaces(size-2), strings.NewReader("}"))
	}
	return io.MultiReader(parts...), n
}

// spaces reads as n spaces.
func spaces(n int64) io.Reader {
	return io.LimitReader(spaceReader{}, n)
}

type spaceReader struct{}

func (spaceReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// errReader fails every read with err: the error the body's reader gave,
// given again.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
