package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/resolvers"
)

// HeaderRequestID carries the request id, in and out.
const HeaderRequestID = "X-Request-ID"

type requestIDKey struct{}

// RequestID returns the request id of ctx ("" outside a request).
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}

// requestIDHandler adds the request id of the context to every record.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// saneRequestID accepts a client's id of up to 64 visible ASCII characters.
func saneRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(HeaderRequestID)
		if !saneRequestID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Response().Header().Set(HeaderRequestID, id)
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		return next(c)
	}
}

func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(c.Request().Context(), "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		return next(c)
	}
}

// observe logs each request and records its metrics.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if c.IsWebSocket() && status == http.StatusOK {
			status = http.StatusSwitchingProtocols
		}
		d := time.Since(start)
		s.metrics.observeRequest(route, c.Request().Method, status, d)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		if route == "/healthz" || route == "/readyz" || route == "/metrics" {
			level = slog.LevelDebug
		}
		s.log.Log(c.Request().Context(), level, "http request",
			"method", c.Request().Method, "route", route, "status", status,
			"duration_ms", float64(d.Microseconds())/1000, "bytes", c.Response().Size,
			"remote", c.RealIP())
		return nil
	}
}

// countWebsockets keeps count of the websocket connections being served, so
// that Serve can wait for them after shutdown.
func (s *Server) countWebsockets(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !c.IsWebSocket() {
			return next(c)
		}
		s.websockets.Add(1)
		defer s.websockets.Done()
		return next(c)
	}
}

// open reports whether route needs no token.
func open(route string) bool {
	switch route {
	case "/healthz", "/readyz", "/metrics", "/graphiql":
		return true
	}
	return false
}

// authenticate checks the bearer token when a JWT secret is configured and
// puts the principal in the request context.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if len(s.cfg.JWTSecret) == 0 || open(c.Path()) {
			return next(c)
		}
		h := c.Request().Header.Get("Authorization")
		if h == "" && c.IsWebSocket() {
			return next(c) // the token comes in connection_init (websocketInit)
		}
		p, err := s.verifyToken(h)
		if err != nil {
			return s.fail(c, err)
		}
		r := c.Request()
		c.SetRequest(r.WithContext(resolvers.WithPrincipal(r.Context(), p)))
		return next(c)
	}
}

// claims are the token claims tracegraph reads: the standard ones, and the
// scopes as an OAuth "scope" string or a "scopes" list.
type claims struct {
	jwt.RegisteredClaims
	Scope  string   `json:"scope,omitempty"`
	Scopes []string `json:"scopes,omitempty"`
}

// verifyToken checks "Bearer <token>" (HS256, signed with the secret, not
// expired) and returns its principal, or an UNAUTHENTICATED error.
func (s *Server) verifyToken(header string) (resolvers.Principal, error) {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		return resolvers.Principal{}, tracegraph.Errorf(tracegraph.CodeUnauthenticated, "", "a bearer token is required (Authorization: Bearer <token>)")
	}
	var cl claims
	_, err := jwt.ParseWithClaims(strings.TrimSpace(tok), &cl, func(*jwt.Token) (any, error) { return s.cfg.JWTSecret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired(), jwt.WithLeeway(30*time.Second))
	if err != nil {
		return resolvers.Principal{}, tracegraph.Errorf(tracegraph.CodeUnauthenticated, "", "the bearer token is not valid: %s", tokenProblem(err))
	}
	p := resolvers.Principal{Subject: cl.Subject, Scopes: append(strings.Fields(cl.Scope), cl.Scopes...)}
	return p, nil
}

// tokenProblem names what is wrong with a token without echoing it.
func tokenProblem(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "it has expired"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "it has no expiry (exp)"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "its signature does not match"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "it is not valid yet"
	}
	return "it is malformed"
}

// limitBody bounds the request body; reading beyond fails with
// *http.MaxBytesError.
func (s *Server) limitBody(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > n {
				return s.fail(c, tracegraph.Errorf(tracegraph.CodeLimit, "", "the body is larger than %d bytes", n))
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, n)
			return next(c)
		}
	}
}
