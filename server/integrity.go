package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// HeadResponse is the answer of GET /api/v1/head: the anchor of the log.
type HeadResponse = tracegraph.Anchor

// VerifyResponse is the answer of GET /api/v1/verify.
type VerifyResponse struct {
	Intact bool `json:"intact"`
	*tracegraph.VerifyReport
}

// head answers GET /api/v1/head: the last event's seq and hash, which a
// customer keeps to prove later (verify --expect-head) that the log they
// were given is unaltered.
func (s *Server) head(c echo.Context) error {
	seq, hash, err := s.cfg.Store.Head(c.Request().Context())
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, HeadResponse{Seq: seq, Hash: hash})
}

// verify answers GET /api/v1/verify[?expectHead=SEQ:HASH]: the store checks
// itself as it serves (on a consistent snapshot, writes going on). It
// replays the whole log, so it is the admin's (tracegraph.Grants). 200 with
// the report, intact or not; 501 when the store cannot verify itself.
func (s *Server) verify(c echo.Context) error {
	ctx := c.Request().Context()
	var opts tracegraph.VerifyOptions
	if v := c.QueryParam("expectHead"); v != "" {
		a, err := tracegraph.ParseAnchor("expectHead", v)
		if err != nil {
			return s.fail(c, err)
		}
		opts.ExpectHead = a
	}
	v, ok := s.cfg.Store.(tracegraph.Verifier)
	if !ok {
		return c.JSON(http.StatusNotImplemented, errorBody{tracegraph.Errorf(tracegraph.CodeInternal, "", "this store cannot verify itself")})
	}
	rep, err := v.Verify(ctx, opts)
	s.extendWrite(c) // the answer's time starts now, not with the request
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, VerifyResponse{Intact: rep.OK(), VerifyReport: rep})
}
