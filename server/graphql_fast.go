package server

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph/graph"
)

// answerFast answers the operation rc with the fast executor and reports
// true, or reports false, having written nothing, when the fast executor
// declines it (graph.FastQueries.Execute): gqlgen answers it then. The
// answer is what writeResponse writes for the response gqlgen's executor
// would have returned, data and no errors or extensions: the fast executor
// writes the data already as json.Marshal writes it.
func answerFast(ctx context.Context, w http.ResponseWriter, fast *graph.FastQueries, rc *graphql.OperationContext) bool {
	bp := responseBuffers.Get().(*[]byte)
	b, err := fast.Execute(ctx, rc, append((*bp)[:0], `{"data":`...))
	if err == nil {
		b = append(b, '}')
		_, _ = w.Write(b)
	}
	if cap(b) <= maxPooledResponse {
		*bp = b[:0]
		responseBuffers.Put(bp)
	}
	return err == nil
}
