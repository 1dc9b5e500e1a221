package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// boundedPOST is gqlgen's POST transport (transport.POST, whose Supports it
// keeps), with two differences:
//
//   - a body that is not a GraphQL request: gqlgen answers it with the whole
//     body in its message (7 MB in, 7 MB out); boundedPOST answers it with an
//     INVALID error that quotes no more than its first maxEchoed bytes, and a
//     body above Config.MaxGraphQLBody with LIMIT (413);
//   - the answer is written by writeResponse, byte for byte what gqlgen
//     writes but without encoding it a second time, and the body is decoded
//     once (graphql_post_test.go compares both transports' answers).
//
// Everything else is transport.POST.Do's, step for step, for the
// configuration the server uses (no extra response headers, JSON unless the
// client asks for application/graphql-response+json).
//
// When fast is set, the queries it answers (graph.FastQueries: the
// genealogy, node and lookup queries over the nodes' properties) are
// executed by it instead of gqlgen's executor, after gqlgen has parsed and
// validated them and its extensions have accepted them; every other
// operation, and any it declines, goes to gqlgen (graphql_fast.go).
type boundedPOST struct {
	transport.POST
	fast *graph.FastQueries
}

// Do implements graphql.Transport.
func (t boundedPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	// The body is read into a pooled buffer: nothing keeps it past Do (the
	// request is decoded into strings and maps of its own).
	bp := responseBuffers.Get().(*[]byte)
	body, err := readAll(r.Body, (*bp)[:0])
	defer func() {
		if cap(body) <= maxPooledResponse {
			*bp = body[:0]
			responseBuffers.Put(bp)
		}
	}()
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
	// Decoded as gqlgen decodes it.
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		writeGraphQLError(w, r, exec, http.StatusBadRequest, tracegraph.Errorf(tracegraph.CodeInvalid, "",
			`the body is not a GraphQL request, {"query": "...", "variables": {...}}: %s; it begins %q`,
			tracegraph.Clip(err.Error(), maxEchoed), tracegraph.Clip(string(body), maxEchoed)))
		return
	}
	graphQLResponse := acceptsGraphQLResponse(r)
	contentType := "application/json"
	if graphQLResponse {
		contentType = "application/graphql-response+json"
	}
	w.Header().Add("Content-Type", contentType)
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		status := http.StatusOK
		if errcode.GetErrorKind(opErr) == errcode.KindProtocol {
			status = http.StatusUnprocessableEntity
			if graphQLResponse {
				status = http.StatusBadRequest
			}
		}
		w.WriteHeader(status)
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	if t.fast != nil && answerFast(ctx, w, t.fast, rc) {
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
}

// readAll is io.ReadAll appending to b.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
	}
}

// acceptsGraphQLResponse reports whether gqlgen's POST transport would
// answer r as application/graphql-response+json rather than
// application/json: when the first media type of the Accept header that it
// knows is that one, or when none is known (an empty header is JSON).
func acceptsGraphQLResponse(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return false
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", "application/json":
			return false
		case "application/graphql-response+json":
			return true
		}
	}
	return true
}

// writeGraphQLError answers a request gqlgen does not see with a GraphQL
// error (through the error presenter, like every other).
func writeGraphQLError(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, status int, e *tracegraph.Error) {
	resp := exec.DispatchError(r.Context(), gqlerror.List{{Message: e.Message, Err: e}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(resp)
}
