package server

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
)

// writeResponse writes a GraphQL response exactly as gqlgen's transports do
// (json.Marshal of the graphql.Response, no trailing newline), without
// encoding the answer a second time.
//
// gqlgen's execution has already written the data as JSON; json.Marshal then
// runs every byte of it through encoding/json's validating scanner to compact
// it and to escape <, >, & and U+2028/U+2029 (json.RawMessage), into a buffer
// that is copied once more. For a genealogy of 20 KB that was about a tenth
// of a query's CPU (docs/bench-http.md). tracegraph.AppendMarshaledJSON does
// the same rewriting in one pass without the scanner; errors and extensions,
// small and rare, still go through json.Marshal; anything else (incremental
// delivery's label, path, hasNext) goes through json.Marshal whole.
func writeResponse(w io.Writer, resp *graphql.Response) {
	bp := responseBuffers.Get().(*[]byte)
	b, ok := appendResponse((*bp)[:0], resp)
	if !ok {
		b = marshalResponse(resp)
	}
	_, _ = w.Write(b)
	if cap(b) <= maxPooledResponse {
		*bp = b[:0]
		responseBuffers.Put(bp)
	}
}

// maxPooledResponse bounds the buffers kept for reuse: a rare huge answer
// does not stay in memory.
const maxPooledResponse = 1 << 20

var responseBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// marshalResponse is gqlgen's writeJson: json.Marshal, and a panic (which the
// recover middleware answers) when the response cannot be encoded.
func marshalResponse(resp *graphql.Response) []byte {
	b, err := json.Marshal(resp)
	if err != nil {
		panic(fmt.Errorf("unable to marshal %s: %w", string(resp.Data), err))
	}
	return b
}

// appendResponse appends json.Marshal(resp) to dst. It reports false, having
// appended nothing useful, for what it leaves to json.Marshal: incremental
// delivery's fields, data that is present but empty (which json.Marshal
// refuses), and errors or extensions json.Marshal cannot encode.
func appendResponse(dst []byte, resp *graphql.Response) ([]byte, bool) {
	if resp == nil {
		return append(dst, "null"...), true
	}
	if resp.Label != "" || len(resp.Path) > 0 || resp.HasNext != nil || (resp.Data != nil && len(resp.Data) == 0) {
		return dst, false
	}
	dst = append(dst, '{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			return dst, false
		}
		dst = append(dst, `"errors":`...)
		dst = append(dst, errs...)
		dst = append(dst, ',')
	}
	dst = append(dst, `"data":`...)
	if resp.Data == nil {
		dst = append(dst, "null"...)
	} else {
		dst = tracegraph.AppendMarshaledJSON(dst, resp.Data)
	}
	if len(resp.Extensions) > 0 {
		ext, err := json.Marshal(resp.Extensions)
		if err != nil {
			return dst, false
		}
		dst = append(dst, `,"extensions":`...)
		dst = append(dst, ext...)
	}
	return append(dst, '}'), true
}
