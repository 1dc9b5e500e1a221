package main

import (
	"time"

	"github.com/spf13/pflag"
	"github.com/tracegraph/tracegraph/resolvers"
	"github.com/tracegraph/tracegraph/server"
)

// limitFlags are serve's limits: what keeps one client, slow, hostile or
// mistaken, from taking the service (docs/reliability.md).
type limitFlags struct {
	allowedOrigins                                      []string
	readHeaderTimeout, readTimeout, writeTimeout, idle  time.Duration
	requestTimeout                                      time.Duration
	maxConnections, maxEventsPerRequest, maxQueryFields int
	maxEventsBody, maxGraphQLBody                       int64
}

func (l *limitFlags) register(f *pflag.FlagSet) {
	f.StringSliceVar(&l.allowedOrigins, "allowed-origins", nil,
		"origins (scheme://host[:port], comma-separated) of other sites whose pages may use the service (CORS), e.g. a dashboard; writes from other sites' pages are refused")
	f.DurationVar(&l.requestTimeout, "request-timeout", server.DefaultRequestTimeout, "longest a GraphQL query or mutation may run (LIMIT after)")
	f.DurationVar(&l.readHeaderTimeout, "read-header-timeout", server.DefaultReadHeaderTimeout, "longest a client may take to send a request's headers")
	f.DurationVar(&l.readTimeout, "read-timeout", server.DefaultReadTimeout, "longest a client may take to send a whole request, body included")
	f.DurationVar(&l.writeTimeout, "write-timeout", server.DefaultWriteTimeout, "longest an answer may take to write (exports: each piece of it)")
	f.DurationVar(&l.idle, "idle-timeout", server.DefaultIdleTimeout, "longest a kept-alive connection waits for its next request")
	f.IntVar(&l.maxConnections, "max-connections", server.DefaultMaxConnections, "connections served at once; more wait")
	f.IntVar(&l.maxEventsPerRequest, "max-events-per-request", server.DefaultMaxEventsPerRequest, "events in one POST /api/v1/events, or that one EPCIS document maps to (413 LIMIT beyond)")
	f.Int64Var(&l.maxEventsBody, "max-events-body", server.DefaultMaxEventsBody, "bytes of one POST /api/v1/events or /epcis/capture (413 LIMIT beyond)")
	f.Int64Var(&l.maxGraphQLBody, "max-graphql-body", server.DefaultMaxGraphQLBody, "bytes of one POST /graphql (413 LIMIT beyond)")
	f.IntVar(&l.maxQueryFields, "max-query-fields", resolvers.DefaultMaxFields, "fields in one GraphQL document, aliases and fragments' fields counted each time used")
}

// apply sets the limits of cfg.
func (l *limitFlags) apply(cfg *server.Config) {
	cfg.AllowedOrigins = l.allowedOrigins
	cfg.RequestTimeout = l.requestTimeout
	cfg.ReadHeaderTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout = l.readHeaderTimeout, l.readTimeout, l.writeTimeout, l.idle
	cfg.MaxConnections = l.maxConnections
	cfg.MaxEventsPerRequest, cfg.MaxEventsBody = l.maxEventsPerRequest, l.maxEventsBody
	cfg.MaxGraphQLBody, cfg.MaxQueryFields = l.maxGraphQLBody, l.maxQueryFields
}
