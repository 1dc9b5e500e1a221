package server_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/server"
)

// TestLogLinesNameRequestAndPrincipal: every JSON log line of a request
// carries its request id and the token's subject.
func TestLogLinesNameRequestAndPrincipal(t *testing.T) {
	var logs syncBuffer
	ts := start(t, func(c *server.Config) {
		c.Auth = server.AuthConfig{HS256Secret: []byte(testSecret)}
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	tok := hs(t, claims("alice", "operator"))
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/events", strings.NewReader(`{"id":"x","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S-1","partNumber":"P"}}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set(server.HeaderRequestID, "req-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	found := false
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		if rec["request_id"] != "req-42" {
			continue
		}
		found = true
		if rec["principal"] != "alice" {
			t.Errorf("log line of the request without its principal: %s", line)
		}
	}
	if !found {
		t.Fatalf("no log line names request req-42:\n%s", logs.String())
	}
}
