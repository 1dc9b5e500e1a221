package server

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// ContainBody is the body of POST /api/v1/containments: what contain takes
// in GraphQL.
type ContainBody struct {
	Suspects    []tracegraph.ID `json:"suspects"`
	Material    *MaterialBody   `json:"material,omitempty"`
	Reason      string          `json:"reason"`
	Containment string          `json:"containment,omitempty"`
}

// MaterialBody is a material description in a JSON body.
type MaterialBody struct {
	PartNumber      string `json:"partNumber,omitempty"`
	MPN             string `json:"mpn,omitempty"`
	Manufacturer    string `json:"manufacturer,omitempty"`
	Supplier        string `json:"supplier,omitempty"`
	CountryOfOrigin string `json:"countryOfOrigin,omitempty"`
	DateCodeFrom    string `json:"dateCodeFrom,omitempty"`
	DateCodeTo      string `json:"dateCodeTo,omitempty"`
}

// ReleaseBody is the body of POST /api/v1/containments/{id}/release.
type ReleaseBody struct {
	Reason string `json:"reason"`
}

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
	var body ContainBody
	if err := decodeBody(c, &body); err != nil {
		return s.fail(c, err)
	}
	req := tracegraph.ContainRequest{Suspects: body.Suspects, Reason: body.Reason, Containment: body.Containment,
		Time: s.now().UTC(), Operator: tracegraph.Actor(ctx)}
	if m := body.Material; m != nil {
		req.Material = &tracegraph.MaterialFilter{PartNumber: m.PartNumber, MPN: m.MPN, Manufacturer: m.Manufacturer,
			Supplier: m.Supplier, CountryOfOrigin: m.CountryOfOrigin, DateCodeFrom: m.DateCodeFrom, DateCodeTo: m.DateCodeTo}
	}
	res, err := tracegraph.Contain(ctx, s.cfg.Store, req)
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, res)
}

// releaseContainment answers POST /api/v1/containments/{id}/release:
// tracegraph.ReleaseContainment. The answer is the tracegraph.ReleaseResult.
func (s *Server) releaseContainment(c echo.Context) error {
	ctx := c.Request().Context()
	var body ReleaseBody
	if err := decodeBody(c, &body); err != nil {
		return s.fail(c, err)
	}
	res, err := tracegraph.ReleaseContainment(ctx, s.cfg.Store, c.Param("id"), body.Reason, tracegraph.Actor(ctx), s.now().UTC())
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(http.StatusOK, res)
}
