package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// AllocateBody is the body of POST /api/v1/serials: what allocateSerials
// takes in GraphQL.
type AllocateBody struct {
	PartNumber string `json:"partNumber"`
	Count      int    `json:"count"`
	Request    string `json:"request"`
}

// allocateSerials answers POST /api/v1/serials: tracegraph.AllocateSerials,
// the same action as the GraphQL mutation allocateSerials. The answer is the
// tracegraph.Allocation (200, a repeated request too).
func (s *Server) allocateSerials(c echo.Context) error {
	ctx := c.Request().Context()
	var body AllocateBody
	if err := decodeBody(c, &body); err != nil {
		return s.fail(c, err)
	}
	a, err := tracegraph.AllocateSerials(ctx, s.cfg.Store, tracegraph.AllocationRequest{PartNumber: body.PartNumber,
		Count: body.Count, Request: body.Request, Time: s.now().UTC(), Operator: tracegraph.Actor(ctx)})
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, a)
}
