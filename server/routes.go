package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest"
	"github.com/tracegraph/tracegraph/report"
)

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.httpError
	e.Pre(digitalLinkPaths)
	e.Use(s.requestID, s.recoverPanic, s.readDeadlines, s.observe, s.crossOrigin, s.authenticate)

	gql := echo.WrapHandler(s.graphqlHandler(boundedPOST{}))
	json := s.requireType(jsonTypes...)
	e.POST("/graphql", gql, json, s.limitBody(s.cfg.MaxGraphQLBody))
	e.GET("/graphql", gql, s.countWebsockets)
	s.mountWeb(e)
	e.POST("/api/v1/events", s.postEvents, s.requireType(ingest.MediaTypes()...))
	e.POST("/api/v1/cfx", s.postCFX, json)
	e.GET("/api/v1/export/:kind", s.export)
	e.GET(report.LevelPath, s.levelReport)
	e.GET("/api/v1/head", s.head)
	e.GET("/api/v1/verify", s.verify)
	e.POST("/api/v1/containments", s.contain, json, s.limitBody(1<<20))
	e.POST("/api/v1/containments/:id/release", s.releaseContainment, json, s.limitBody(1<<20))
	e.POST("/api/v1/serials", s.allocateSerials, json, s.limitBody(1<<16))
	e.POST("/api/v1/containments/:id/publish", s.publishRecall, json, s.limitBody(1<<20))
	e.GET("/api/v1/labels/:id", s.label)
	for _, r := range publicRoutes {
		e.GET(r, s.resolve, s.limitPublic)
	}
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})))
	s.adminRoutes(e)
	s.contractRoutes(e)
	s.epcisRoutes(e)
	return e
}

// healthz answers liveness with the running build's version and revision.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.build.Version, "revision": s.build.Revision})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readyz: store not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// errorBody is the JSON of an HTTP error answer.
type errorBody struct {
	Error *tracegraph.Error `json:"error"`
}

// statusOf maps a domain code to its HTTP status: the one place that does.
func statusOf(code tracegraph.Code) int {
	switch code {
	case tracegraph.CodeNotFound:
		return http.StatusNotFound
	case tracegraph.CodeInvalid:
		return http.StatusBadRequest
	case tracegraph.CodeConflict, tracegraph.CodeOnHold, tracegraph.CodeWrongPart, tracegraph.CodeExpired, tracegraph.CodeRoute, tracegraph.CodeNotAllocated:
		// The record refuses the event as things stand: an interlock.
		return http.StatusConflict
	case tracegraph.CodeForbidden:
		return http.StatusForbidden
	case tracegraph.CodeUnauthenticated:
		return http.StatusUnauthorized
	case tracegraph.CodeLimit:
		return http.StatusRequestEntityTooLarge
	case tracegraph.CodeUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case tracegraph.CodeRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// fail answers err as JSON with the status of its code; internal errors are
// logged and answered without their text.
func (s *Server) fail(c echo.Context, err error) error {
	de := tracegraph.AsError(err)
	if de.Code == tracegraph.CodeInternal {
		s.log.ErrorContext(c.Request().Context(), "internal error", "path", c.Path(), "err", err)
	}
	if de.Code == tracegraph.CodeUnauthenticated {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="tracegraph"`)
	}
	return c.JSON(statusOf(de.Code), errorBody{de})
}

// httpError answers errors echo itself raises (404, 405, ...) in the same
// JSON shape.
func (s *Server) httpError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code := tracegraph.CodeInvalid
		switch he.Code {
		case http.StatusNotFound:
			code = tracegraph.CodeNotFound
		case http.StatusRequestEntityTooLarge:
			code = tracegraph.CodeLimit
		case http.StatusUnauthorized:
			code = tracegraph.CodeUnauthenticated
		case http.StatusForbidden:
			code = tracegraph.CodeForbidden
		}
		if he.Code >= 500 {
			code = tracegraph.CodeInternal
		}
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && he.Code < 500 {
			msg = m
		}
		_ = c.JSON(he.Code, errorBody{&tracegraph.Error{Code: code, Message: msg}})
		return
	}
	_ = s.fail(c, err)
}
