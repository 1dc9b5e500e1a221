package server

import (
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/resolvers"
	"github.com/vektah/gqlparser/v2/ast"
)

// graphqlHandler mounts the GraphQL schema (resolvers/) with the service's
// transports (post: the POST transport), limits and access checks: with server.go's handle on the
// resolvers (to wait for them on shutdown), the only use server/ has for
// resolvers/.
func (s *Server) graphqlHandler(post graphql.Transport) http.Handler {
	s.gql = resolvers.New(resolvers.Config{
		Store:      s.cfg.Store,
		Now:        s.cfg.Now,
		OnOutcomes: s.metrics.countOutcomes,
		Logger:     s.log,
	})
	es := s.gql.ExecutableSchema()
	h := handler.New(es)
	h.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitFunc:              s.websocketInit,
		// The library refuses other sites' pages too (crossOrigin did
		// already), but for the allowed origins.
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: originHosts(s.origins)},
		},
	})
	h.AddTransport(transport.Options{})
	h.AddTransport(transport.GET{})
	if p, ok := post.(boundedPOST); ok {
		// The fast executor calls the resolvers without field middleware:
		// the handler has none (no AroundFields below).
		p.fast = graph.NewFastQueries(es)
		s.fast, post = p.fast, p
	}
	h.AddTransport(post)
	h.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	h.SetParserTokenLimit(maxQueryTokens)
	h.Use(extension.Introspection{})
	h.Use(resolvers.Access{Required: s.auth != nil})
	h.Use(&resolvers.Limits{MaxDepth: s.cfg.MaxDepth, MaxComplexity: s.cfg.MaxComplexity, MaxFields: s.cfg.MaxQueryFields,
		Timeout: s.cfg.RequestTimeout})
	h.SetErrorPresenter(resolvers.ErrorPresenter(s.log))
	h.SetRecoverFunc(resolvers.RecoverFunc(s.log))
	return h
}
