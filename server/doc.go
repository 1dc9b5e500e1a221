// Package server is tracegraph's HTTP service on echo v4: the GraphQL
// endpoint (POST and GET /graphql, subscriptions over websocket), a GraphQL
// IDE at /graphiql that works offline, the shop-floor transaction interface
// POST /api/v1/events, and /healthz, /readyz and /metrics.
//
// Every request gets a request id (X-Request-ID, taken from the client when
// it sends a sane one), a structured log line (log/slog) and Prometheus
// metrics. When authentication is configured (AuthConfig: an HS256 secret,
// or an OpenID Connect issuer whose keys come from its JWKS), requests need a
// bearer token, and the roles it carries decide what it may do, as the
// access table tracegraph.Grants says; without it the service is open, for
// local use. See docs/auth.md.
//
// Serve shuts down gracefully: when its context ends it stops accepting
// connections, lets in-flight requests (writes included) finish, then ends
// subscriptions.
package server
