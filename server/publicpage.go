package server

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

//go:embed public.html
var publicHTML string

// publicTemplate is the public product page: server-rendered, mobile first,
// with no script and no asset from anywhere (its style is inline).
var publicTemplate = template.Must(template.New("public").Parse(publicHTML))

// publicPageCSP lets the page use its inline style and nothing else.
const publicPageCSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// publicLinkNames are the words the page shows for the link types, in the
// order it lists them; other link types follow under their titles.
var publicLinkNames = []struct{ typ, label string }{
	{"gs1:pip", "Product information and pictures"},
	{"gs1:support", "Support"},
	{"gs1:instructions", "Instructions"},
	{"gs1:warranty", "Warranty"},
	{"gs1:locationInfo", "Find your nearest service partner"},
	{"gs1:accessories", "Accessories"},
}

// publicLink is a link as the page lists it.
type publicLink struct {
	Label, Title, Href string
}

// publicView is what the template sees: the public page and nothing else.
type publicView struct {
	Title  string
	Anchor string
	Page   *tracegraph.PublicPage
	Links  []publicLink
}

// publicPage renders the public product page.
func (s *Server) publicPage(c echo.Context, anchor string, page *tracegraph.PublicPage) error {
	v := publicView{Anchor: anchor, Page: page, Title: "Product"}
	if p := page.Product; p != nil {
		v.Title = p.Name
		listed := map[string]bool{}
		for _, n := range publicLinkNames {
			for _, l := range p.Links {
				if l.Type == n.typ {
					title := l.Title
					if strings.EqualFold(title, n.label) || strings.Contains(strings.ToLower(n.label), strings.ToLower(title)) {
						title = "" // "Support" under "Support" says nothing
					}
					v.Links = append(v.Links, publicLink{Label: n.label, Title: title, Href: l.Href})
					listed[l.Type] = true
				}
			}
		}
		for _, l := range p.Links {
			if !listed[l.Type] && l.Title != "" {
				v.Links = append(v.Links, publicLink{Label: l.Title, Href: l.Href})
			}
		}
	} else if ct := page.Container; ct != nil {
		v.Title = "Shipping container " + ct.SSCC
	}
	var buf bytes.Buffer
	if err := publicTemplate.Execute(&buf, v); err != nil {
		return s.fail(c, err)
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", publicPageCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=60")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}
