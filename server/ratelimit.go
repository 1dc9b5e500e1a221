package server

import (
	"context"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// Limits of the public routes (the Digital Link resolver): anyone may ask,
// without a token, so each client address gets a token bucket, and the
// pages being built at once are capped whoever asks.
const (
	// DefaultPublicBurst requests a client may send at once,
	// DefaultPublicRate a second after that (Config.PublicBurst, PublicRate).
	DefaultPublicBurst = 20
	DefaultPublicRate  = 5.0
	// publicInFlight bounds the public requests served at once.
	publicInFlight = 16
	// publicClients bounds the clients the limiter remembers; beyond it,
	// those idle long enough to have a full bucket again are forgotten.
	publicClients = 10_000
	// publicTimeout bounds the work of one public request.
	publicTimeout = 5 * time.Second
)

// rateLimiter is a token bucket per client address plus a cap on requests
// in flight. The address is the connection's (RemoteAddr), not a header a
// client could forge; behind a reverse proxy every client is the proxy's
// address, and the proxy should limit instead.
type rateLimiter struct {
	now         func() time.Time
	burst, rate float64
	mu          sync.Mutex
	buckets     map[string]*bucket
	inFlight    chan struct{}
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(now func() time.Time, burst, rate float64) *rateLimiter {
	return &rateLimiter{now: now, burst: burst, rate: rate, buckets: map[string]*bucket{}, inFlight: make(chan struct{}, publicInFlight)}
}

// allow takes a token of client's bucket; it reports false, and how long
// until the next token, when there is none.
func (l *rateLimiter) allow(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= publicClients {
			l.forgetIdle(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// forgetIdle drops the clients whose buckets have filled up again (they
// would start full anyway); if none has, it drops them all.
func (l *rateLimiter) forgetIdle(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) >= full {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= publicClients {
		clear(l.buckets)
	}
}

// limitPublic is the middleware of the public routes: RATE_LIMITED (429,
// with Retry-After) past a client's rate or when publicInFlight requests
// are being served, and a deadline on the work.
func (s *Server) limitPublic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		client, _, err := net.SplitHostPort(c.Request().RemoteAddr)
		if err != nil {
			client = c.Request().RemoteAddr
		}
		if ok, wait := s.public.allow(client); !ok {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			return s.fail(c, tracegraph.Errorf(tracegraph.CodeRateLimited, "", "too many requests from %s: at most %g at once and %g a second", client, s.public.burst, s.public.rate))
		}
		select {
		case s.public.inFlight <- struct{}{}:
			defer func() { <-s.public.inFlight }()
		default:
			c.Response().Header().Set("Retry-After", "1")
			return s.fail(c, tracegraph.Errorf(tracegraph.CodeRateLimited, "", "the public pages are busy; try again in a second"))
		}
		r := c.Request()
		ctx, cancel := context.WithTimeout(r.Context(), publicTimeout)
		defer cancel()
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}
}
