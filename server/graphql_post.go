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
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// boundedPOST is gqlgen's POST transport, but for a body that is not a
// GraphQL request: gqlgen answers that with the whole body in its message
// (7 MB in, 7 MB out); boundedPOST answers it with an INVALID error that
// quotes no more than its first maxEchoed bytes, and a body above
// Config.MaxGraphQLBody with LIMIT (413).
type boundedPOST struct {
	transport.POST
}

// Do implements graphql.Transport.
func (t boundedPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
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
	// Decoded as gqlgen does, to see whether gqlgen would refuse it.
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

// writeGraphQLError answers a request gqlgen does not see with a GraphQL
// error (through the error presenter, like every other).
func writeGraphQLError(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, status int, e *tracegraph.Error) {
	resp := exec.DispatchError(r.Context(), gqlerror.List{{Message: e.Message, Err: e}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(resp)
}
