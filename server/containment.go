package server

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
)

// decodeBody decodes a JSON body strictly (INVALID naming the problem).
func decodeBody(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if err == io.EOF {
			return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is empty; send a JSON object")
		}
		return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not the expected JSON object: %s", err)
	}
	return nil
}

// contain answers POST /api/v1/containments: tracegraph.Contain, the same
// action as the GraphQL mutation contain. The answer is the
// tracegraph.ContainResult (200).
func (s *Server) contain(c echo.Context) error {
	ctx := c.Request().Context()
	var body api.ContainBody
	if err := decodeBody(c, &body); err != nil {
		return s.fail(c, err)
	}
	res, err := tracegraph.Contain(ctx, s.cfg.Store, body.Request(s.now().UTC(), tracegraph.Actor(ctx)))
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, res)
}

// releaseContainment answers POST /api/v1/containments/{id}/release:
// tracegraph.ReleaseContainment. The answer is the tracegraph.ReleaseResult.
func (s *Server) releaseContainment(c echo.Context) error {
	ctx := c.Request().Context()
	var body api.ReleaseBody
	if err := decodeBody(c, &body); err != nil {
		return s.fail(c, err)
	}
	res, err := tracegraph.ReleaseContainment(ctx, s.cfg.Store, c.Param("id"), body.Reason, tracegraph.Actor(ctx), s.now().UTC())
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, res)
}
