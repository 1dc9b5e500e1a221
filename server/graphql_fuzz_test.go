package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/server"
)

// FuzzGraphQLRequest: whatever body is posted to /graphql, the service
// answers without failing (no 5xx: a panic would be a 500) and with a JSON
// body. The seed corpus is testdata/fuzz/FuzzGraphQLRequest and the f.Add
// calls.
func FuzzGraphQLRequest(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ head { seq hash } stats { events } }"}`,
		`{"query":"query($id: ID!) { node(id: $id) { id ... on Unit { serial holds { reason } } } }","variables":{"id":"Unit:PROD-0001"}}`,
		`{"query":"{ trace(from: [\"Unit:PROD-0001\"], direction: UPSTREAM, maxDepth: 3) { nodes { edges { node { id } } } } }"}`,
		`{"query":"mutation($e: [EventInput!]!) { ingest(events: $e) { accepted outcomes { error { code field } } } }","variables":{"e":[{"id":"x","type":"unit.created","time":"9999-12-31T23:00:00-05:00","data":{"serial":"S","partNumber":"P"}}]}}`,
		`{"query":"{ lookup(code: \"\\u0000\") { id } }"}`,
		`{"query":"{ units(first: -1) { totalCount } }","operationName":"nope"}`,
		`{"query":"{ __schema { types { name } } }"}`,
		`{"query":"{ node(id: 1) }","variables":null,"extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}`,
		`[{"query":"{ head { seq } }"}]`,
		`{"query":"{{{{{{{{{{"}`,
		`not json`,
		``,
	} {
		f.Add([]byte(s))
	}
	st, err := embedded.Open(f.TempDir(), embedded.Options{Clock: clock})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(server.Config{Store: st, Now: clock, Logger: discard()})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST /graphql %q = %d %s", body, rec.Code, rec.Body.Bytes())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("POST /graphql %q = %d with a body that is not JSON: %q", body, rec.Code, rec.Body.Bytes())
		}
	})
}
