package server

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph/graph"
)

// answerFast answers the operation rc with the fast executor and reports
// true, or reports false, having written nothing, when the fast executor
// declines it (graph.FastQueries.Execute): gqlgen answers it then. The data
// is written as gqlgen's executor would have returned it, a response with
// data and no errors or extensions, by writeResponse.
func answerFast(ctx context.Context, w http.ResponseWriter, fast *graph.FastQueries, rc *graphql.OperationContext) bool {
	bp := responseBuffers.Get().(*[]byte)
	data, err := fast.Execute(ctx, rc, (*bp)[:0])
	if err == nil {
		writeResponse(w, &graphql.Response{Data: data})
	}
	if cap(data) <= maxPooledResponse {
		*bp = data[:0]
		responseBuffers.Put(bp)
	}
	return err == nil
}
