package factory

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/internal/jsontext"
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
	dst = jsontext.AppendString(dst, ev.ID)
	dst = append(dst, `,"type":`...)
	dst = jsontext.AppendString(dst, string(ev.Type))
	dst = append(dst, `,"time":"`...)
	dst = ev.Time.AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, '"')
	if ev.Station != "" {
		dst = append(dst, `,"station":`...)
		dst = jsontext.AppendString(dst, ev.Station)
	}
	if ev.Operator != "" {
		dst = append(dst, `,"operator":`...)
		dst = jsontext.AppendString(dst, ev.Operator)
	}
	dst = append(dst, `,"data":`...)
	if len(ev.Data) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, ev.Data...)
	}
	return append(dst, '}'), nil
}
