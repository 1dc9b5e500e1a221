package server_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/server"
)

// TestContractIsServed: the events' JSON Schema and the OpenAPI document
// are served as api builds them, without a token when authentication is on.
func TestContractIsServed(t *testing.T) {
	ts := startAuth(t, server.AuthConfig{HS256Secret: []byte(testSecret)})
	schema, err := api.EventSchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, contentType string
		want              []byte
	}{
		{"/api/v1/schema/events.json", "application/schema+json", schema},
		{"/api/v1/openapi.json", "application/json", api.OpenAPI()},
	} {
		status, h, body := ts.do(t, http.MethodGet, tc.path, "", "", nil)
		if status != http.StatusOK || h.Get("Content-Type") != tc.contentType || !bytes.Equal(body, tc.want) {
			t.Errorf("GET %s without a token = %d %s (%d bytes), want 200 %s and the document", tc.path, status, h.Get("Content-Type"), len(body), tc.contentType)
		}
	}
}
