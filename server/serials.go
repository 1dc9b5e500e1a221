package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
)

// allocateSerials answers POST /api/v1/serials (an api.AllocateBody):
// tracegraph.AllocateSerials, the same action as the GraphQL mutation
// allocateSerials. The answer is the tracegraph.Allocation (200, a repeated
// request too).
func (s *Server) allocateSerials(c echo.Context) error {
	ctx := c.Request().Context()
	var body api.AllocateBody
	if err := decodeBody(c, &body); err != nil {
		return s.fail(c, err)
	}
	a, err := tracegraph.AllocateSerials(ctx, s.cfg.Store, body.Allocation(s.now().UTC(), tracegraph.Actor(ctx)))
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, a)
}
