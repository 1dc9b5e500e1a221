package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/ingest/cfx"
	"github.com/tracegraph/tracegraph/resolvers"
	"github.com/tracegraph/tracegraph/version"
	"github.com/tracegraph/tracegraph/web"
)

// Defaults of Config.
const (
	DefaultMaxEventsBody  = 16 << 20 // POST /api/v1/events
	DefaultMaxGraphQLBody = 1 << 20  // POST /graphql
	DefaultShutdownGrace  = 30 * time.Second

	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultMaxConnections    = 1000
	DefaultRequestTimeout    = 30 * time.Second
)

// Config configures a Server.
type Config struct {
	// Store answers every request. Required.
	Store tracegraph.Store
	// Logger receives request logs and errors (default slog.Default()).
	Logger *slog.Logger
	// Auth configures authentication and the roles tokens carry (default
	// off: the service is open).
	Auth AuthConfig
	// MaxEventsBody bounds the body of POST /api/v1/events (413 beyond).
	MaxEventsBody int64
	// MaxEventsPerRequest bounds the events of one POST /api/v1/events
	// (413 beyond, nothing applied).
	MaxEventsPerRequest int
	// MaxGraphQLBody bounds the body of POST /graphql.
	MaxGraphQLBody int64
	// MaxDepth, MaxComplexity and MaxQueryFields limit GraphQL operations
	// (resolvers defaults).
	MaxDepth, MaxComplexity, MaxQueryFields int
	// RequestTimeout bounds a GraphQL request over HTTP (subscriptions
	// aside): past it, what still runs is canceled and the answer says LIMIT.
	RequestTimeout time.Duration
	// ReadHeaderTimeout bounds the reading of a request's headers,
	// ReadTimeout that of the whole request, body included: a client that
	// trickles them is cut off. IdleTimeout bounds how long a kept-alive
	// connection waits for its next request.
	ReadHeaderTimeout, ReadTimeout, IdleTimeout time.Duration
	// WriteTimeout bounds the writing of an answer, from the end of the
	// request. Streamed answers (exports) get it afresh for each
	// piece they write instead, and websockets are not bound by it (nor by
	// ReadTimeout): they end with the client, or at shutdown.
	WriteTimeout time.Duration
	// MaxConnections caps the connections served at once; more wait to be
	// accepted.
	MaxConnections int
	// ShutdownGrace bounds how long Serve waits for in-flight requests.
	ShutdownGrace time.Duration
	// Now is the clock of the hold events the mutations record (default time.Now).
	Now func() time.Time
	// Examples are the queries the IDE at /graphiql offers (default: generic ones).
	Examples []Example
	// AllowedOrigins are the origins (scheme://host[:port]) of other sites
	// whose pages may use the service (CORS), e.g. a dashboard. Writes and
	// websockets from any other site's pages are refused.
	AllowedOrigins []string
	// BackupDir is where POST /api/v1/admin/backup stages a backup before
	// sending it (default: the OS temporary directory). On the data
	// directory's file system the store's files are hard-linked, not copied.
	BackupDir string
	// PublicBurst and PublicRate limit each client of the public routes
	// (the resolver): PublicBurst requests at once, PublicRate a second
	// after that (defaults DefaultPublicBurst, DefaultPublicRate).
	PublicBurst int
	PublicRate  float64
	// PublicURL is the public base URL of the GS1 Digital Link resolver
	// ("https://id.example.com"): what a unit label's Digital Link carries,
	// and what the resolver's links are made on (empty: labels carry
	// element strings only; the resolver answers on any host).
	PublicURL string
	// MetricsRefresh is how often, at most, the unit gauges are counted
	// again after changes (default DefaultMetricsRefresh).
	MetricsRefresh time.Duration
	// CFX says how the factory's IPC-CFX messages name units and tests
	// (POST /api/v1/cfx, and the broker consumer through Server.CFX).
	CFX cfx.Options
}

// withDefaults returns cfg with the defaults of its unset fields.
func (cfg Config) withDefaults() Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.MaxEventsBody = positiveOr(cfg.MaxEventsBody, DefaultMaxEventsBody)
	cfg.MaxEventsPerRequest = positiveOr(cfg.MaxEventsPerRequest, DefaultMaxEventsPerRequest)
	cfg.MaxGraphQLBody = positiveOr(cfg.MaxGraphQLBody, DefaultMaxGraphQLBody)
	cfg.ShutdownGrace = positiveOr(cfg.ShutdownGrace, DefaultShutdownGrace)
	cfg.ReadHeaderTimeout = positiveOr(cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	cfg.ReadTimeout = positiveOr(cfg.ReadTimeout, DefaultReadTimeout)
	cfg.WriteTimeout = positiveOr(cfg.WriteTimeout, DefaultWriteTimeout)
	cfg.IdleTimeout = positiveOr(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.MaxConnections = positiveOr(cfg.MaxConnections, DefaultMaxConnections)
	cfg.RequestTimeout = positiveOr(cfg.RequestTimeout, DefaultRequestTimeout)
	cfg.PublicBurst = positiveOr(cfg.PublicBurst, DefaultPublicBurst)
	cfg.PublicRate = positiveOr(cfg.PublicRate, DefaultPublicRate)
	if cfg.Examples == nil {
		cfg.Examples = DefaultExamples()
	}
	return cfg
}

// Example is a query the IDE offers.
type Example struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

// Server is the HTTP service. Create it with New.
type Server struct {
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	metrics *metrics
	web     *webFiles // the explorer and GraphiQL (web/)
	origins []string  // Config.AllowedOrigins, checked
	build   version.Info
	gql     *resolvers.Resolver
	fast    *graph.FastQueries // the POST transport's fast executor (graphql_fast.go)
	cfx     *cfx.Ingester
	auth    *authenticator // nil when authentication is off
	// websockets counts the subscription connections being served: their
	// handlers run until the connection ends, unseen by http.Server.Shutdown.
	websockets sync.WaitGroup
	// public limits the public routes (ratelimit.go).
	public *rateLimiter
	// backupMu lets one backup run at a time.
	backupMu sync.Mutex
	// epcis serves the EPCIS 2.0 capture and query interface (epcis.go).
	epcis *epcisService
	// readers holds the *ingest.EventReader POST /api/v1/events reads
	// with, one per request at a time, so that the next request reuses its
	// buffer and shares the names it decoded (events.go).
	readers sync.Pool
	// answers holds the *[]byte POST /api/v1/events writes its answer
	// into, one per request at a time.
	answers sync.Pool

	// base is the context of every request; it ends after shutdown, which
	// ends the subscriptions (hijacked connections the http.Server does not
	// wait for).
	base       context.Context
	cancelBase context.CancelFunc
	once       sync.Once
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	cfg = cfg.withDefaults()
	origins, err := parseOrigins(cfg.AllowedOrigins)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if u := cfg.PublicURL; u != "" {
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" || pu.RawQuery != "" || pu.Fragment != "" {
			return nil, fmt.Errorf("server: the public URL %q is not an http(s) base URL like https://id.example.com", u)
		}
	}
	s := &Server{cfg: cfg, log: slog.New(requestIDHandler{cfg.Logger.Handler()}), origins: origins, build: version.Get()}
	auth, err := newAuthenticator(cfg.Auth, s.log)
	if err != nil {
		return nil, err
	}
	s.auth = auth
	s.base, s.cancelBase = context.WithCancel(context.Background())
	s.metrics = newMetrics(cfg.Store, cfg.MetricsRefresh)
	s.public = newRateLimiter(time.Now, float64(cfg.PublicBurst), cfg.PublicRate)
	s.cfx = s.newCFX()
	w, err := loadWeb(web.Dist(), cfg.Examples)
	if err != nil {
		return nil, err
	}
	s.web = w
	if s.epcis, err = newEPCIS(); err != nil {
		return nil, err
	}
	s.echo = s.routes()
	return s, nil
}

// Handler returns the service as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve answers requests on ln until ctx ends, then shuts down gracefully:
// it stops accepting connections, waits up to Config.ShutdownGrace for
// in-flight requests (writes included) and then ends subscriptions. It
// returns nil after a graceful shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return s.base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	ln = limitListener(ln, s.cfg.MaxConnections)
	defer s.followLog()()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.stopSubscriptions()
		s.websockets.Wait()
		s.gql.Wait()
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing in-flight requests", "grace", s.cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	s.stopSubscriptions()
	s.websockets.Wait()
	s.gql.Wait()
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), serr)
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func (s *Server) stopSubscriptions() { s.once.Do(s.cancelBase) }
