package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// The GS1 Digital Link resolver: GET /01/{gtin}[/22/{cpv}][/10/{lot}][/21/{serial}]
// and GET /00/{sscc}, open to everyone (no token), rate-limited
// (limitPublic). It answers as a resolver does:
//
//   - by default the public product page (HTML, publicPage);
//   - ?linkType=gs1:pip (or any GS1 link type, also as "pip" or
//     https://gs1.org/voc/pip) redirects (307) to the product's link of that
//     type, NOT_FOUND when it has none;
//   - ?linkType=all, or Accept: application/linkset+json, answers the RFC
//     9264 linkset of every link (application/linkset+json).
//
// The path's keys may be the AIs or the Digital Link convenience names
// (gtin, cpv, lot, ser, sscc) in any letter case; values are kept as given.

// publicRoutes are the resolver's routes: open without a token.
var publicRoutes = []string{"/01/*", "/00/*"}

// dlAliases maps the Digital Link convenience names to their AIs.
var dlAliases = map[string]string{"gtin": "01", "cpv": "22", "lot": "10", "ser": "21", "sscc": "00"}

// gs1Voc is the GS1 Web Vocabulary, the namespace of link types.
const gs1Voc = "https://gs1.org/voc/"

// linksetType is the media type of an RFC 9264 linkset in JSON.
const linksetType = "application/linkset+json"

// digitalLinkPaths rewrites a request whose path starts with a Digital Link
// key in another case or as a convenience name ("/GTIN/…", "/gtin/…") to
// the AI form, before routing (e.Pre).
func digitalLinkPaths(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
		if len(segs) < 2 {
			return next(c)
		}
		first := strings.ToLower(segs[0])
		if ai, ok := dlAliases[first]; ok && (ai == "01" || ai == "00") {
			for i := 0; i < len(segs); i += 2 {
				if ai, ok := dlAliases[strings.ToLower(segs[i])]; ok {
					segs[i] = ai
				}
			}
			// In place, as echo's rewrite middleware does: the router reads
			// the request it was handed.
			esc := "/" + strings.Join(segs, "/")
			p, err := url.PathUnescape(esc)
			if err != nil {
				return next(c) // answered as it is (400 from the resolver or 404)
			}
			r.URL.Path, r.URL.RawPath = p, esc
		}
		return next(c)
	}
}

// digitalLink is a parsed resolver request.
type digitalLink struct {
	key      tracegraph.GS1Field // (01) or (00)
	elements tracegraph.ElementString
}

// parseDigitalLink reads the path of a resolver request: key/value pairs,
// the primary key first; INVALID saying why for anything else.
func parseDigitalLink(r *http.Request) (*digitalLink, error) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	if len(segs)%2 != 0 {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "path", "a GS1 Digital Link path is pairs of an AI and its value")
	}
	dl := &digitalLink{}
	for i := 0; i < len(segs); i += 2 {
		ai := segs[i]
		if a, ok := dlAliases[strings.ToLower(ai)]; ok {
			ai = a
		}
		v, err := url.PathUnescape(segs[i+1])
		if err != nil || v == "" {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "path", "the value of (%s) is not a valid path segment", ai)
		}
		switch {
		case i == 0 && ai != "01" && ai != "00":
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "path", "the resolver answers GTINs (01) and SSCCs (00)")
		case i > 0 && (dl.key.AI == "00" || (ai != "22" && ai != "10" && ai != "21")):
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "path", "(%s) is not a key qualifier of (%s)", ai, dl.key.AI)
		case i > 0 && dl.elements.Get(ai) != "":
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "path", "(%s) is given twice", ai)
		}
		if ai == "01" && tracegraph.ValidGTIN(v) {
			v = tracegraph.GTIN14(v)
		}
		f := tracegraph.GS1Field{AI: ai, Value: v}
		if i == 0 {
			dl.key = f
		}
		dl.elements = append(dl.elements, f)
	}
	if err := dl.elements.Validate(); err != nil {
		return nil, err
	}
	return dl, nil
}

// resolve answers a Digital Link request.
func (s *Server) resolve(c echo.Context) error {
	ctx := c.Request().Context()
	dl, err := parseDigitalLink(c.Request())
	if err != nil {
		return s.fail(c, err)
	}
	var page *tracegraph.PublicPage
	switch serial := dl.elements.Get("21"); {
	case dl.key.AI == "00":
		page, err = tracegraph.PublicContainer(ctx, s.cfg.Store, dl.key.Value)
	case serial != "":
		page, err = tracegraph.PublicUnit(ctx, s.cfg.Store, dl.key.Value, serial)
	case dl.elements.Get("10") != "":
		page, err = tracegraph.PublicLot(ctx, s.cfg.Store, dl.key.Value, dl.elements.Get("10"))
	default:
		page, err = tracegraph.PublicProductPage(ctx, s.cfg.Store, dl.key.Value)
	}
	if err != nil {
		return s.fail(c, err)
	}
	anchor, err := dl.elements.DigitalLink(s.publicBase(c))
	if err != nil {
		return s.fail(c, err)
	}
	c.Response().Header().Set("Vary", "Accept")
	linkType := c.QueryParam("linkType")
	switch {
	case linkType == "all" || (linkType == "" && acceptsLinkset(c.Request().Header.Get("Accept"))):
		return s.linkset(c, anchor, page)
	case linkType != "" && !isDefaultLink(linkType):
		typ := "gs1:" + strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(linkType, gs1Voc), "https://ref.gs1.org/voc/"), "gs1:")
		l, ok := page.Product.Link(typ)
		if !ok {
			return s.fail(c, tracegraph.Errorf(tracegraph.CodeNotFound, "linkType", "%s has no %s link", anchor, typ))
		}
		return c.Redirect(http.StatusTemporaryRedirect, l.Href)
	}
	c.Response().Header().Set("Link", "<"+anchor+"?linkType=all>; rel=\"linkset\"; type=\""+linksetType+"\"")
	return s.publicPage(c, anchor, page)
}

// isDefaultLink reports whether a linkType asks for the default link: the
// page itself.
func isDefaultLink(t string) bool {
	return t == "gs1:defaultLink" || t == "defaultLink" || t == gs1Voc+"defaultLink"
}

// acceptsLinkset reports whether an Accept header asks for a linkset.
func acceptsLinkset(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(mt), linksetType) {
			return true
		}
	}
	return false
}

// publicBase is the base URL the resolver's links are made on: the
// configured public URL, else the request's own scheme and host.
func (s *Server) publicBase(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	return c.Scheme() + "://" + c.Request().Host
}

// linkset answers the RFC 9264 linkset of a page: its links by GS1 link
// type (as https://gs1.org/voc/ URIs), the page itself as the default link.
func (s *Server) linkset(c echo.Context, anchor string, page *tracegraph.PublicPage) error {
	type target struct {
		Href  string `json:"href"`
		Title string `json:"title,omitempty"`
		Type  string `json:"type,omitempty"`
	}
	ctx := map[string]any{"anchor": anchor}
	title := ""
	if page.Product != nil {
		title = page.Product.Name
		for _, l := range page.Product.Links {
			rel := gs1Voc + strings.TrimPrefix(l.Type, "gs1:")
			list, _ := ctx[rel].([]target)
			ctx[rel] = append(list, target{Href: l.Href, Title: l.Title})
		}
	}
	ctx[gs1Voc+"defaultLink"] = []target{{Href: anchor, Title: title, Type: "text/html"}}
	b, err := json.Marshal(map[string]any{"linkset": []any{ctx}})
	if err != nil {
		return s.fail(c, err)
	}
	return c.Blob(http.StatusOK, linksetType, b)
}
