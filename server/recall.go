package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// PublishBody is the body of POST /api/v1/containments/{id}/publish: the
// notice customers read, and optionally the suspects it concerns (default:
// the material the containment held).
type PublishBody struct {
	Title    string          `json:"title,omitempty"`
	Text     string          `json:"text"`
	Suspects []tracegraph.ID `json:"suspects,omitempty"`
}

// publishRecall answers POST /api/v1/containments/{id}/publish:
// tracegraph.PublishRecall, the one action that makes a recall public (the
// resolver's product pages show the notice). The answer is the
// tracegraph.PublishResult (200).
func (s *Server) publishRecall(c echo.Context) error {
	ctx := c.Request().Context()
	var body PublishBody
	if err := decodeBody(c, &body); err != nil {
		return s.fail(c, err)
	}
	res, err := tracegraph.PublishRecall(ctx, s.cfg.Store, tracegraph.PublishRequest{Containment: c.Param("id"), Suspects: body.Suspects,
		Title: body.Title, Text: body.Text, Time: s.now().UTC(), Operator: tracegraph.Actor(ctx)})
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, res)
}
