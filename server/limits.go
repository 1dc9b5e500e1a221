package server

import (
	"cmp"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// positiveOr returns v, or def when v is not positive.
func positiveOr[T cmp.Ordered](v, def T) T {
	var zero T
	if v <= zero {
		return def
	}
	return v
}

// DefaultMaxEventsPerRequest is the default of Config.MaxEventsPerRequest:
// the largest batch `tracegraph import --batch` sends.
const DefaultMaxEventsPerRequest = tracegraph.MaxListLen

// maxQueryTokens bounds the tokens of a GraphQL document, so that parsing a
// hostile one (100,000 aliases) stops early; the largest query of the IDE,
// introspection, has about 300.
const maxQueryTokens = 20_000

// maxEchoed is how many bytes of a client's text an answer echoes at most
// (a field name, an id, an excerpt of a body); maxEchoedMessage how many
// bytes of an event's error message it keeps (room for the list of event
// types, which one names).
const (
	maxEchoed        = 200
	maxEchoedMessage = 500
)

// Per-outcome sizes of an answer of POST /api/v1/events: its fixed part
// (index, line, status, seq, code and the JSON around them), and the three
// clipped texts (id, field, message), each of which JSON may escape to six
// bytes a byte at worst.
const (
	outcomeFixed = 160
	outcomeTexts = 6 * (tracegraph.MaxEventIDLen + maxEchoed + maxEchoedMessage + 3*len("…"))
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

// limitListener returns ln accepting at most n connections at once: the
// next Accept waits until one of them closes (or the listener does).
func limitListener(ln net.Listener, n int) net.Listener {
	return &limitedListener{Listener: ln, slots: make(chan struct{}, n), closed: make(chan struct{})}
}

type limitedListener struct {
	net.Listener
	slots  chan struct{}
	closed chan struct{}
	once   sync.Once
}

func (l *limitedListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

func (l *limitedListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.closed:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// readDeadlines lifts the read deadline (Config.ReadTimeout) once a request
// is read: the server's background read, which watches for the client going
// away, would otherwise hit it during a long answer and end the request. And
// it starts the write deadline (Config.WriteTimeout) afresh then, so that a
// slow upload does not eat the time of its answer.
func (s *Server) readDeadlines(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		rc := http.NewResponseController(c.Response())
		lift := func() {
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		}
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			lift()
		} else {
			r.Body = &liftAtEOF{ReadCloser: r.Body, lift: lift}
		}
		return next(c)
	}
}

// liftAtEOF calls lift when the body has been read to its end.
type liftAtEOF struct {
	io.ReadCloser
	lift func()
	done bool
}

func (b *liftAtEOF) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		b.lift()
	}
	return n, err
}

// extendWrite gives the answer being written Config.WriteTimeout more: a
// streamed answer calls it before each piece, so that it is cut off only
// when the client stops reading, not for being long.
func (s *Server) extendWrite(c echo.Context) {
	_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
}
