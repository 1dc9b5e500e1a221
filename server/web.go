package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// The explorer is a single-page app (web/): these routes answer its
// index.html, and the app draws the page the path names. Other unknown
// paths keep answering the JSON 404.
var appRoutes = []string{"/", "/node/*", "/recall", "/where-used"}

// webRoutes are the routes of the web app's files: open without a token
// (they hold no data; the app asks for a token when the API needs one).
var webRoutes = append([]string{"/assets/*", "/graphiql"}, appRoutes...)

// webPageCSP is the Content-Security-Policy of the app's pages: scripts and
// styles from this origin only (inline style attributes, which the genealogy
// drawing sets, allowed), API calls to this origin.
const webPageCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'"

// ideCSP is GraphiQL's policy: the app's, with subscriptions over websockets.
const ideCSP = webPageCSP + " ws: wss:"

// examplesPlaceholder is the element of web/graphiql.html the server fills
// with the examples (a JSON list of Example).
const examplesPlaceholder = `<script id="tracegraph-examples" type="application/json">[]</script>`

// webFiles is the built web app with its two pages read once.
type webFiles struct {
	fsys  fs.FS
	index []byte
	ide   []byte // graphiql.html with the examples
}

// loadWeb reads the build in fsys (web.Dist() in the binary) and renders GraphiQL's page with examples.
func loadWeb(fsys fs.FS, examples []Example) (*webFiles, error) {
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return nil, fmt.Errorf("web app: %w", err)
	}
	ide, err := fs.ReadFile(fsys, "graphiql.html")
	if err != nil {
		return nil, fmt.Errorf("web app: %w", err)
	}
	ide, err = renderIDE(ide, examples)
	if err != nil {
		return nil, err
	}
	return &webFiles{fsys: fsys, index: index, ide: ide}, nil
}

// renderIDE puts the examples into GraphiQL's page. encoding/json escapes
// <, > and &, so no example can close the script element.
func renderIDE(page []byte, examples []Example) ([]byte, error) {
	if examples == nil {
		examples = []Example{}
	}
	js, err := json.Marshal(examples)
	if err != nil {
		return nil, fmt.Errorf("graphiql examples: %w", err)
	}
	if !bytes.Contains(page, []byte(examplesPlaceholder)) {
		return nil, errors.New("graphiql page: no examples placeholder (rebuild web/)")
	}
	filled := strings.Replace(examplesPlaceholder, "[]", string(js), 1)
	return bytes.Replace(page, []byte(examplesPlaceholder), []byte(filled), 1), nil
}

// contentType is the media type of a built file by its extension.
func contentType(name string) string {
	switch ext := path.Ext(name); ext {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return "application/octet-stream"
	}
}

// mountWeb serves the app's pages and files.
func (s *Server) mountWeb(e *echo.Echo) {
	for _, r := range appRoutes {
		e.GET(r, s.webPage)
	}
	e.GET("/assets/*", s.webAsset)
	e.GET("/graphiql", s.graphiql)
}

func (s *Server) webPage(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", webPageCSP)
	h.Set("Cache-Control", "no-cache")
	return c.HTMLBlob(http.StatusOK, s.web.index)
}

// graphiql serves GraphiQL with the examples.
func (s *Server) graphiql(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", ideCSP)
	h.Set("Cache-Control", "no-cache")
	return c.HTMLBlob(http.StatusOK, s.web.ide)
}

// webAsset serves a built file; their names carry a hash of their content,
// so they are cached for good.
func (s *Server) webAsset(c echo.Context) error {
	name := path.Clean("assets/" + c.Param("*"))
	if !strings.HasPrefix(name, "assets/") {
		return echo.ErrNotFound
	}
	b, err := fs.ReadFile(s.web.fsys, name)
	if err != nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, contentType(name), b)
}
