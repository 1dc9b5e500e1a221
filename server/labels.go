package server

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/label"
)

// label answers GET /api/v1/labels/{id}: the label of a unit, box or
// pallet (tracegraph.LabelData, drawn by package label). id is a global ID
// or any code that names exactly one unit, box or pallet (a serial, an
// SSCC, a scan). The format is ?format=png|svg|pdf|zpl, else the first
// of them the Accept header asks for, else PNG. ?link=true puts the GS1
// Digital Link URI on Config.PublicURL into a unit's Data Matrix;
// ?lot=true and ?date=true add (10) and (11).
func (s *Server) label(c echo.Context) error {
	ctx := c.Request().Context()
	format, err := labelFormat(c)
	if err != nil {
		return s.fail(c, err)
	}
	opts := tracegraph.LabelOptions{PublicURL: s.cfg.PublicURL, GTIN: s.productGTIN}
	for _, o := range []struct {
		name string
		v    *bool
	}{{"link", &opts.DigitalLink}, {"lot", &opts.Lot}, {"date", &opts.Date}} {
		if *o.v, err = queryBool(c, o.name); err != nil {
			return s.fail(c, err)
		}
	}
	id, err := s.labelTarget(c, c.Param("id"))
	if err != nil {
		return s.fail(c, err)
	}
	content, err := tracegraph.LabelData(ctx, s.cfg.Store, id, opts)
	if err != nil {
		return s.fail(c, err)
	}
	var buf bytes.Buffer
	if err := label.Render(&buf, content, format); err != nil {
		return s.fail(c, err)
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": "label-" + id.Key() + "." + string(format)}))
	h.Set("Vary", "Accept")
	return c.Blob(http.StatusOK, format.ContentType(), buf.Bytes())
}

// labelTarget resolves the id of a label request: a global ID, or a code
// that names exactly one unit, box or pallet.
func (s *Server) labelTarget(c echo.Context, code string) (tracegraph.ID, error) {
	if _, _, err := tracegraph.ParseID(code); err == nil {
		return tracegraph.ID(code), nil
	}
	nodes, err := s.cfg.Store.Lookup(c.Request().Context(), code)
	if err != nil {
		return "", err
	}
	var found []tracegraph.ID
	for _, n := range nodes {
		if n.Label == tracegraph.LabelUnit || n.Label == tracegraph.LabelBox || n.Label == tracegraph.LabelPallet {
			found = append(found, n.ID)
		}
	}
	switch len(found) {
	case 0:
		return "", tracegraph.Errorf(tracegraph.CodeNotFound, "id", "%q names no unit, box or pallet", tracegraph.Clip(code, maxEchoed))
	case 1:
		return found[0], nil
	}
	return "", tracegraph.Errorf(tracegraph.CodeInvalid, "id", "%q names %d things (%s, …): give a global ID", tracegraph.Clip(code, maxEchoed), len(found), found[0])
}

// labelFormat chooses the format: ?format, else the Accept header's most
// preferred format, else PNG.
func labelFormat(c echo.Context) (label.Format, error) {
	if q := c.QueryParam("format"); q != "" {
		f, ok := label.ParseFormat(q)
		if !ok {
			return "", tracegraph.Errorf(tracegraph.CodeInvalid, "format", "format %q is not one of png, svg, pdf, zpl", tracegraph.Clip(q, maxEchoed))
		}
		return f, nil
	}
	type choice struct {
		f label.Format
		q float64
		i int
	}
	var choices []choice
	for i, part := range strings.Split(c.Request().Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		f, ok := label.FormatFor(mt)
		if !ok {
			continue
		}
		q := 1.0
		if v, err := strconv.ParseFloat(params["q"], 64); err == nil {
			q = v
		}
		if q > 0 {
			choices = append(choices, choice{f, q, i})
		}
	}
	if len(choices) == 0 {
		return label.PNG, nil
	}
	sort.SliceStable(choices, func(a, b int) bool { return choices[a].q > choices[b].q })
	return choices[0].f, nil
}

// queryBool reads an optional boolean query parameter (INVALID naming it).
func queryBool(c echo.Context, name string) (bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, tracegraph.Errorf(tracegraph.CodeInvalid, name, "%s=%q is not true or false", name, tracegraph.Clip(v, maxEchoed))
	}
	return b, nil
}

// productGTIN returns the GTIN of a part number's product ("" when none is
// defined).
func (s *Server) productGTIN(ctx context.Context, partNumber string) (string, error) {
	p, err := tracegraph.PublicProductOf(ctx, s.cfg.Store, partNumber)
	if err != nil || p == nil {
		return "", err
	}
	return p.GTIN, nil
}
