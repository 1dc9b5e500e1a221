package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/report"
)

// responseWriter commits the HTTP answer (status 200, the export's headers)
// on the first byte written, so that an error before it can still be
// answered as JSON with its code.
type responseWriter struct {
	s         *Server
	c         echo.Context
	q         *report.Query
	now       time.Time
	committed bool
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.committed {
		w.committed = true
		h := w.c.Response().Header()
		h.Set(echo.HeaderContentType, w.q.ContentType())
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", w.q.Filename(w.now)))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Trailer", api.HeaderExportRows)
		w.c.Response().WriteHeader(http.StatusOK)
	}
	w.s.extendWrite(w.c)
	return w.c.Response().Write(p)
}

// Flush implements report.Flusher: it sends what the response buffered.
func (w *responseWriter) Flush() error {
	if w.committed {
		w.s.extendWrite(w.c)
		return http.NewResponseController(w.c.Response().Writer).Flush()
	}
	return nil
}

// export answers GET /api/v1/export/{kind}: the report as CSV or NDJSON,
// streamed. Errors before the first byte are answered as JSON with their
// code; after it, the connection is closed without completing the body, so
// the client sees a truncated answer rather than a short one (a complete
// answer ends with the trailer X-Export-Rows). A client that goes away ends
// the work.
func (s *Server) export(c echo.Context) error {
	ex, err := report.ParseQuery(c.Param("kind"), c.QueryParams())
	if err != nil {
		return s.fail(c, err)
	}
	ctx := c.Request().Context()
	w := &responseWriter{s: s, c: c, q: ex, now: s.now()}
	rows, err := ex.Write(ctx, s.cfg.Store, w)
	if err == nil {
		if !w.committed {
			_, _ = w.Write(nil) // an empty NDJSON answer: the headers alone
		}
		c.Response().Header().Set(api.HeaderExportRows, strconv.Itoa(rows))
		// The last chunk and the trailer are written after the handler
		// returns: they get a WriteTimeout of their own too.
		s.extendWrite(c)
		return nil
	}
	if !w.committed {
		return s.fail(c, err)
	}
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		s.log.InfoContext(ctx, "export: the client went away", "kind", ex.Kind, "rows", rows)
	} else {
		s.log.ErrorContext(ctx, "export failed midway", "kind", ex.Kind, "rows", rows, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// now is the server's clock.
func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}
