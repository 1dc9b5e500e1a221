package server

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
)

// Cross-site requests. A browser lets any page send a "simple" request (a
// form's POST, a text/plain fetch) to any site, with the user's network
// position: with auth off, a page on the Internet could write to a service
// on the factory network. So writes need a JSON (or NDJSON) body, which a
// page can send cross-site only after a CORS preflight, and a write whose
// Origin is another site's is refused unless that origin is allowed
// (Config.AllowedOrigins); so is a websocket from it. Allowed origins get
// CORS answers, so that their pages (dashboards) may read and write.

// parseOrigins checks that every allowed origin is scheme://host[:port] and
// returns them in the form browsers send.
func parseOrigins(origins []string) ([]string, error) {
	var out []string
	for _, o := range origins {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("allowed origin %q is not scheme://host[:port], e.g. https://dashboard.example.com", o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

// originHosts returns the host[:port] of origins, the patterns the websocket
// library checks a websocket's Origin against.
func originHosts(origins []string) []string {
	hosts := make([]string, len(origins))
	for i, o := range origins {
		hosts[i] = o[strings.Index(o, "://")+3:]
	}
	return hosts
}

// sameOrigin reports whether origin names the host the request was sent to:
// its Host, or the X-Forwarded-Host a proxy in front sets (a page cannot add
// that header to a cross-site request without a preflight, which is
// refused). The scheme is not compared: behind a proxy that ends TLS the
// service cannot tell it.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}

// isWrite reports whether a request may change something.
func isWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// CORS headers of allowed origins.
const (
	corsMethods = "GET, POST"
	corsHeaders = "Authorization, Content-Type, " + HeaderRequestID
	corsExpose  = HeaderRequestID + ", " + api.HeaderExportRows
	corsMaxAge  = "600"
)

// crossOrigin answers CORS preflights, adds CORS headers for allowed
// origins, and refuses writes and websockets from other origins (FORBIDDEN).
// A request without Origin (curl, scripts, tracegraph import) is not a
// browser's cross-site request and passes.
func (s *Server) crossOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		origin := r.Header.Get(echo.HeaderOrigin)
		if origin == "" || sameOrigin(origin, r.Host) || sameOrigin(origin, r.Header.Get("X-Forwarded-Host")) {
			return next(c)
		}
		h := c.Response().Header()
		h.Add(echo.HeaderVary, echo.HeaderOrigin)
		allowed := slices.Contains(s.origins, strings.ToLower(origin))
		if !allowed && (isWrite(r) || c.IsWebSocket() || isPreflight(r)) {
			return s.fail(c, tracegraph.Errorf(tracegraph.CodeForbidden, "Origin",
				"requests from pages of %s are refused: it is not among the allowed origins (--allowed-origins)", tracegraph.Clip(origin, maxEchoed)))
		}
		if !allowed {
			return next(c)
		}
		h.Set(echo.HeaderAccessControlAllowOrigin, origin)
		if isPreflight(r) {
			h.Set(echo.HeaderAccessControlAllowMethods, corsMethods)
			h.Set(echo.HeaderAccessControlAllowHeaders, corsHeaders)
			h.Set(echo.HeaderAccessControlMaxAge, corsMaxAge)
			return c.NoContent(http.StatusNoContent)
		}
		h.Set(echo.HeaderAccessControlExposeHeaders, corsExpose)
		return next(c)
	}
}

func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get(echo.HeaderAccessControlRequestMethod) != ""
}

// jsonTypes are the media types of JSON write bodies (events take
// ingest.MediaTypes).
var jsonTypes = []string{echo.MIMEApplicationJSON}

// requireType refuses a write whose Content-Type is not one of types with
// UNSUPPORTED_MEDIA_TYPE (415): a page can send text/plain or a form
// cross-site without asking, but not JSON.
func (s *Server) requireType(types ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !isWrite(r) {
				return next(c)
			}
			ct := r.Header.Get(echo.HeaderContentType)
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || !slices.Contains(types, mt) {
				if ct == "" {
					ct = "none"
				}
				return s.fail(c, tracegraph.Errorf(tracegraph.CodeUnsupportedMediaType, "Content-Type",
					"Content-Type %s is not accepted here: send %s", tracegraph.Clip(ct, maxEchoed), strings.Join(types, " or ")))
			}
			return next(c)
		}
	}
}
