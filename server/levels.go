package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
	"github.com/tracegraph/tracegraph/report"
)

// levelReport answers GET report.LevelPath: the IPC-1782 level report as
// JSON (the GraphQL answer of traceabilityLevel) or CSV (report.LevelCSV).
func (s *Server) levelReport(c echo.Context) error {
	req, format, err := report.ParseLevelQuery(c.QueryParams())
	if err != nil {
		return s.fail(c, err)
	}
	rep, err := tracegraph.TraceabilityLevel(c.Request().Context(), s.cfg.Store, req)
	if err != nil {
		return s.fail(c, err)
	}
	if format == report.JSON {
		return c.JSON(http.StatusOK, model.NewTraceabilityLevelReport(rep))
	}
	body, err := report.LevelCSV(rep)
	if err != nil {
		return s.fail(c, err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q",
		"traceability-level-"+s.now().UTC().Format("20060102T150405Z")+".csv"))
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", body)
}
