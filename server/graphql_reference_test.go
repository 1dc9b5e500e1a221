package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph"
)

// gqlgenPOST is the POST transport as it was before writeResponse: the
// refusals of boundedPOST, then gqlgen's own transport.POST, which decodes
// the body again and json.Marshals the executed answer. It is the reference
// TestGraphQLAnswersByteForByte compares the server's answers with.
type gqlgenPOST struct {
	transport.POST
}

// Do implements graphql.Transport.
func (t gqlgenPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeGraphQLError(w, r, exec, http.StatusRequestEntityTooLarge,
				tracegraph.Errorf(tracegraph.CodeLimit, "", "the body is larger than %d bytes, the limit of a GraphQL request", mbe.Limit))
			return
		}
		writeGraphQLError(w, r, exec, http.StatusBadRequest, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body could not be read"))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&graphql.RawParams{}); err != nil {
		writeGraphQLError(w, r, exec, http.StatusBadRequest, tracegraph.Errorf(tracegraph.CodeInvalid, "",
			`the body is not a GraphQL request, {"query": "...", "variables": {...}}: %s; it begins %q`,
			tracegraph.Clip(err.Error(), maxEchoed), tracegraph.Clip(string(body), maxEchoed)))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	t.POST.Do(w, r, exec)
}

// GraphQLHandlers returns, for a server configured by cfg, its GraphQL
// handler (the transport it serves with) and the same handler with gqlgen's
// POST transport as it was before (gqlgenPOST).
func GraphQLHandlers(cfg Config) (served, reference http.Handler, err error) {
	s, err := New(cfg)
	if err != nil {
		return nil, nil, err
	}
	return s.graphqlHandler(boundedPOST{}), s.graphqlHandler(gqlgenPOST{}), nil
}

// GraphQLFastHandlers is GraphQLHandlers with, for the served handler, the
// counts of the operations its fast executor answered and declined.
func GraphQLFastHandlers(cfg Config) (served, reference http.Handler, fast *graph.FastQueries, err error) {
	s, err := New(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	served = s.graphqlHandler(boundedPOST{})
	return served, s.graphqlHandler(gqlgenPOST{}), s.fast, nil
}
