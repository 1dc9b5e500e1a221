package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/server"
)

// The demo factory: the S size of PERFORMANCE.md, with a fixed seed so that
// the README's example ids are real.
const (
	demoUnits     = 10_000
	demoSeed      = 1
	demoBatchSize = 1000
)

func newServeCmd() *cobra.Command {
	var (
		sc        storeConfig
		addr      string
		demo      bool
		auth      server.AuthConfig
		jwtSecret string
		logLevel  string
		logFormat string
		limits    limitFlags
		ops       opsOptions
		cfxf      cfxFlags
	)
	cmd := &cobra.Command{
		Use:   "serve [--data DIR] [--addr HOST:PORT] [--demo] [--store embedded|neo4j] [--neo4j-uri URI]",
		Short: "Run the service: GraphQL, the event API and a GraphQL IDE in the browser",
		Long: `serve runs the tracegraph service until it is interrupted (Ctrl-C or SIGTERM);
it then finishes the requests in flight, writes included, and closes the store.

What it serves, on --addr:
  /graphql          the GraphQL API (queries, mutations, subscriptions over websocket)
  /                 the explorer: find a unit, see its genealogy, run a recall report
  /graphiql         GraphiQL, the GraphQL IDE, with example queries
  /api/v1/events    shop-floor events: POST a JSON array or NDJSON, one outcome per event
  /api/v1/cfx       IPC-CFX messages: POST one envelope or a JSON array (docs/cfx.md)
  /healthz /readyz  liveness and readiness (the store answers)
  /metrics          Prometheus metrics

The default store is embedded: it keeps everything in --data, no database
server needed. --demo fills an empty store with a generated factory of 10,000
units first (seconds to a minute), so that you can look at once: open / or
/graphiql. The embedded store loads it without syncing each commit and syncs
once at the end; a start cut short leaves DEMO-LOADING in --data, and the
next --demo start loads the rest.

Without --auth-jwt-secret or --auth-oidc-issuer the service is open to anyone
who can reach --addr (the default address is only reachable from this
machine). With one, requests need "Authorization: Bearer <JWT>": signed with
the secret (HS256, at least 32 bytes) or by the identity provider (RS256 or
ES256, keys from its JWKS), with an expiry (exp), an iat or nbf at most
--auth-max-token-lifetime before it, and the --auth-audience (aud). The roles
in the --auth-roles-claim claim decide what a token may do: reader (queries,
subscriptions, exports), operator (shop-floor events), quality (holds and
containments), admin (everything, voiding events included); every role
reads. Writes need a subject (sub), recorded in each event as recordedBy.
/healthz, /readyz, /metrics and the pages of the explorer and GraphiQL stay
open (they ask for a token). See docs/auth.md.

Browsers' pages: a page of another site may not write (events, ingest,
holds) through its visitor's browser: writes need a JSON or NDJSON body
(415 otherwise) and are refused (403) when their Origin is another site's,
unless --allowed-origins lists it; those listed also get CORS answers, so
that a dashboard served elsewhere can use the API.

IPC-CFX (docs/cfx.md): with --cfx-amqp and --cfx-source, serve takes CFX
messages from an AMQP 1.0 broker as well, accepting each once its events
are durable; one it cannot apply goes to --cfx-dead-letter with the reason.

Limits (docs/reliability.md): a POST /api/v1/events holds at most
--max-events-per-request events and --max-events-body bytes; a GraphQL
document at most --max-query-fields fields and --max-graphql-body bytes, and
runs at most --request-timeout; clients that send slowly are cut off
(--read-header-timeout, --read-timeout), answers that are not read are
abandoned (--write-timeout; exports get it afresh for each piece), and at
most --max-connections connections are served at once.

Every flag has an environment twin: --data is TRACEGRAPH_DATA, --addr is
TRACEGRAPH_ADDR, --auth-jwt-secret is TRACEGRAPH_AUTH_JWT_SECRET, and so on.`,
		Example: `  # try it: a demo factory, then open http://127.0.0.1:8080/
  tracegraph serve --demo

  # your own data in /var/lib/tracegraph, reachable from the network
  tracegraph serve --data /var/lib/tracegraph --addr 0.0.0.0:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(cmd.ErrOrStderr(), logLevel, logFormat)
			if err != nil {
				return err
			}
			sc.Logger = log
			tuneGC(log)
			auth.HS256Secret = []byte(jwtSecret)
			if err := auth.Check(); err != nil {
				return err
			}
			demoSize := 0
			if demo {
				demoSize = demoUnits
			}
			return serve(cmd.Context(), log, sc, addr, demoSize, auth, &limits, ops, &cfxf)
		},
	}
	f := cmd.Flags()
	addStoreFlags(f, &sc)
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT (0.0.0.0:8080 for every interface)")
	f.BoolVar(&demo, "demo", false, "load a generated demo factory (10,000 units) when the store is empty")
	f.StringVar(&jwtSecret, "auth-jwt-secret", "", "require bearer tokens signed with this secret (HS256, at least 32 bytes); better: TRACEGRAPH_AUTH_JWT_SECRET")
	f.StringVar(&auth.OIDCIssuer, "auth-oidc-issuer", "", "require bearer tokens of this OpenID Connect issuer (RS256/ES256, the exact iss)")
	f.StringVar(&auth.JWKSURL, "auth-jwks-url", "", "the issuer's JWKS URL (default: discovered from the issuer)")
	f.StringVar(&auth.Audience, "auth-audience", "", "the audience (aud) tokens must name; required with --auth-oidc-issuer")
	f.StringVar(&auth.RolesClaim, "auth-roles-claim", server.DefaultRolesClaim, "the claim with the token's roles; a dotted path reaches into objects (realm_access.roles)")
	f.DurationVar(&auth.MaxTokenLifetime, "auth-max-token-lifetime", server.DefaultMaxTokenLifetime, "refuse tokens whose exp is further than this from their iat or nbf")
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	limits.register(f)
	f.StringVar(&ops.publicURL, "public-url", "", "the public base URL of the GS1 Digital Link resolver, e.g. https://id.example.com: what unit labels with ?link=true carry")
	cfxf.register(f)
	f.StringVar(&ops.pprofAddr, "pprof", "", "serve the Go profiler (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060 (off by default)")
	return cmd
}

// tuneGC makes the collector less eager than Go's default for the service,
// unless GOGC or GOMEMLIMIT say otherwise: answering GraphQL allocates a lot
// of short-lived objects, and GOGC=400 measured about a third less CPU per
// query. A soft memory limit of half the machine's memory keeps the heap
// from growing without bound meanwhile.
func tuneGC(log *slog.Logger) {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(server.ServiceGCPercent)
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		if total := totalMemory(); total > 0 {
			debug.SetMemoryLimit(total / 2)
		}
	}
	log.Debug("garbage collector", "gogc", server.ServiceGCPercent)
}

// totalMemory reads the machine's memory from /proc/meminfo (0 if unknown).
func totalMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

func newLogger(w interface{ Write([]byte) (int, error) }, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q is not debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q is not text or json", format)
}

// serve runs the service; with demo > 0 it first loads a demo factory of
// that many units into an empty store (startDemo, loadDemo).
func serve(ctx context.Context, log *slog.Logger, sc storeConfig, addr string, demo int, auth server.AuthConfig, limits *limitFlags, ops opsOptions, cfxf *cfxFlags) (err error) {
	cfxOpts, err := cfxf.options()
	if err != nil {
		return err
	}
	if ops.pprofAddr != "" {
		stop, err := startPprof(log, ops.pprofAddr)
		if err != nil {
			return err
		}
		defer stop()
	}
	var (
		facts *factory.Facts
		store tracegraph.Store
	)
	demoConfig := factory.Config{Units: demo, Seed: demoSeed}
	sc.Serving = true
	if demo > 0 {
		if facts, store, err = startDemo(ctx, log, sc, demoConfig); err != nil {
			return err
		}
	}
	if store == nil {
		if store, err = openStore(ctx, sc); err != nil {
			return err
		}
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()
	var examples []server.Example
	if demo > 0 {
		if facts == nil {
			if facts, err = loadDemo(ctx, log, store, demoConfig, false); err != nil {
				return err
			}
		}
		examples = demoExamples(facts)
	}
	cfg := server.Config{Store: store, Logger: log, Auth: auth, Examples: examples, BackupDir: backupDir(sc),
		PublicURL: ops.publicURL, CFX: cfxOpts}
	limits.apply(&cfg)
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	stopCFX, err := cfxf.start(ctx, log, srv)
	if err != nil {
		return err
	}
	defer stopCFX() // before the store closes
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	base := "http://" + ln.Addr().String()
	log.Info(readyMessage, "explorer", base+"/", "graphql", base+"/graphql", "ide", base+"/graphiql", "events", base+"/api/v1/events",
		"store", sc.Kind, "auth", auth.On())
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// demoExamples are the IDE's example queries on the demo factory's facts:
// the queries of README.md, then the generic ones that answer on any data
// (server.GenericExamples). An example whose fact the factory lacks (a
// small factory has no pallet yet) is left out, so every example answers.
func demoExamples(f *factory.Facts) []server.Example {
	var ex []server.Example
	add := func(name, query, fact string) {
		if fact != "" {
			ex = append(ex, server.Example{Name: name, Query: fmt.Sprintf(query, fact)})
		}
	}
	add("Find a unit by its IMEI", queryByCode, f.ProductIMEI)
	add("Full genealogy of a product", queryGenealogy, f.Product)
	add("How a board was built and tested", queryBoard, f.ProductPCBA)
	add("Recall from a wafer batch", queryRecall, f.WaferBatch)
	add("Scan a pallet's SSCC", queryPallet, f.PalletSSCC)
	return append(ex, server.GenericExamples()...)
}

// The demo queries, as in README.md (%s is the code or id).
const (
	queryByCode = `{
  lookup(code: %q) {
    __typename
    id
    ... on Unit {
      serial
      partNumber
      revision
      status
      shippedAt
      customer
      identifiers { scheme value }
      container { node { id } }
    }
  }
}`
	queryGenealogy = `{
  trace(from: ["Unit:%s"], direction: UPSTREAM,
        edgeTypes: [CONTAINS, CONSUMED, DERIVED_FROM]) {
    truncated
    nodes {
      totalCount
      edges {
        depth
        precision
        node {
          __typename
          id
          ... on Unit { partNumber kind }
          ... on Component { partNumber manufacturer }
          ... on MaterialLot { partNumber manufacturer supplier dateCode }
          ... on WaferBatch { manufacturer fab }
        }
      }
    }
  }
}`
	queryBoard = `{
  node(id: "Unit:%s") {
    id
    ... on Unit {
      partNumber
      parent { node { id } position }
      tests {
        testType result station at
        measurements { name value unit low high result }
        firmware { version checksum }
      }
      consumed(minPrecision: EXACT) {
        precision refDes
        lot { id partNumber manufacturer derivedFrom { id } }
      }
    }
  }
}`
	queryRecall = `{
  recallImpact(suspects: ["WaferBatch:%s"]) {
    confirmedCounts { total shipped inHouse scrapped }
    possibleCounts { total shipped inHouse scrapped }
    customers { node { id } confirmed possible }
    shipments { node { id } confirmed possible }
    confirmed(first: 5) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { precision depth status onHold node { id partNumber kind } }
    }
  }
}`
	queryPallet = `{
  lookup(code: %q) {
    id
    ... on Pallet {
      sscc
      container { node { id ... on Shipment { destination shippedAt customer { id } } } }
      contents { node { id } }
    }
  }
}`
)
