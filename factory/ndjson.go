package factory

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/tracegraph/tracegraph"
)

// Writer writes events as NDJSON: one client envelope (id, type, time,
// station, operator, data) per line, as a client sends them.
type Writer struct {
	bw  *bufio.Writer
	buf []byte
}

// NewWriter returns a Writer that buffers 1 MiB before writing to w. Call
// Flush at the end.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, 1<<20), buf: make([]byte, 0, 4096)}
}

// Write writes ev as one line.
func (w *Writer) Write(ev *tracegraph.Event) error {
	b, err := AppendEvent(w.buf[:0], ev)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	w.buf = b
	_, err = w.bw.Write(b)
	return err
}

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.bw.Flush() }

// AppendEvent appends the JSON encoding of ev to dst. The bytes are those of
// json.Marshal(ev); for a client event (no seq, recordedAt or hashes) whose
// Data is compact JSON, as json.Marshal writes it, AppendEvent gets there
// without reflection, an order of magnitude faster.
func AppendEvent(dst []byte, ev *tracegraph.Event) ([]byte, error) {
	if ev.Seq != 0 || !ev.RecordedAt.IsZero() || ev.PrevHash != "" || ev.Hash != "" ||
		ev.Time.Year() < 0 || ev.Time.Year() > 9999 {
		b, err := json.Marshal(ev)
		if err != nil {
			return dst, fmt.Errorf("encode event %s: %w", ev.ID, err)
		}
		return append(dst, b...), nil
	}
	dst = append(dst, `{"id":`...)
	dst = appendString(dst, ev.ID)
	dst = append(dst, `,"type":`...)
	dst = appendString(dst, string(ev.Type))
	dst = append(dst, `,"time":"`...)
	dst = ev.Time.AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, '"')
	if ev.Station != "" {
		dst = append(dst, `,"station":`...)
		dst = appendString(dst, ev.Station)
	}
	if ev.Operator != "" {
		dst = append(dst, `,"operator":`...)
		dst = appendString(dst, ev.Operator)
	}
	dst = append(dst, `,"data":`...)
	if len(ev.Data) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, ev.Data...)
	}
	return append(dst, '}'), nil
}

// appendString appends s as a JSON string the way encoding/json does, with
// HTML escaping: <, > and & as \u003c..., U+2028 and U+2029 escaped, invalid
// UTF-8 replaced by U+FFFD.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
