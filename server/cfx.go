package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/tracegraph/tracegraph/ingest/cfx"
)

// CFXResponse is the answer of POST /api/v1/cfx: the count of messages by
// status and what became of each (cfx.Result), in the body's order.
type CFXResponse struct {
	Accepted   int          `json:"accepted"`
	Duplicates int          `json:"duplicates"`
	Ignored    int          `json:"ignored"`
	Rejected   int          `json:"rejected"`
	Messages   []cfx.Result `json:"messages"`
}

// newCFX returns the service's CFX ingester, whose every message (over HTTP
// or from the broker, CFX) is counted in tracegraph_cfx_messages_total by
// message and status, and whose events in tracegraph_events_total.
func (s *Server) newCFX() *cfx.Ingester {
	counter := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tracegraph_cfx_messages_total",
		Help: "IPC-CFX messages by message (the short name of those tracegraph uses, other for the rest) and status (accepted, duplicate, ignored: not used, rejected: dead-lettered).",
	}, []string{"message", "status"})
	s.metrics.registry.MustRegister(counter)
	in := cfx.NewIngester(s.cfg.Store, s.cfg.CFX)
	in.Observe = func(r cfx.Result) {
		name := "other"
		if cfx.Used(r.MessageName) {
			name = cfx.Envelope{MessageName: r.MessageName}.ShortName()
		}
		counter.WithLabelValues(name, r.Status).Inc()
		s.metrics.countOutcomes(r.Events)
	}
	return in
}

// CFX returns the service's CFX ingester, for a broker consumer
// (cfx.Consumer) to share its mapping and metrics.
func (s *Server) CFX() *cfx.Ingester { return s.cfx }

// postCFX takes IPC-CFX messages over HTTP: one envelope or a JSON array
// of them. Each message is applied all or nothing (cfx.Ingester); 200 when
// none was rejected, 422 when one was (the body says which and why), 400
// for a body that is not JSON, 413 for one above --max-events-body.
func (s *Server) postCFX(c echo.Context) error {
	body, err := s.readWholeBody(c)
	if err != nil {
		return s.fail(c, err)
	}
	raws, err := cfx.Split(body)
	if err != nil {
		return s.fail(c, err)
	}
	resp := CFXResponse{Messages: make([]cfx.Result, 0, len(raws))}
	for i, raw := range raws {
		res, err := s.cfx.IngestRaw(c.Request().Context(), raw)
		if err != nil {
			return s.fail(c, err)
		}
		res.Index = i
		switch res.Status {
		case cfx.StatusAccepted:
			resp.Accepted++
		case cfx.StatusDuplicate:
			resp.Duplicates++
		case cfx.StatusIgnored:
			resp.Ignored++
		default:
			resp.Rejected++
		}
		resp.Messages = append(resp.Messages, res)
	}
	status := http.StatusOK
	if resp.Rejected > 0 {
		status = http.StatusUnprocessableEntity
	}
	return c.JSON(status, resp)
}
