package cypher

import (
	"context"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/cypher/internal/testserver"
)

// TestAuth connects to the test server that requires a password: a
// password without a user is the user neo4j's (TRACEGRAPH_NEO4J_USER may be
// left unset, as docs/neo4j.md says); a wrong password or none is refused
// at Open, with the server's reason and without the password.
func TestAuth(t *testing.T) {
	srv := testserver.GetAuth(t)
	ctx := context.Background()

	s, err := Open(ctx, Config{URI: srv.URI, Password: srv.Password})
	if err != nil {
		t.Fatalf("Open with the password and no user: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if _, _, err := s.Head(ctx); err != nil {
		t.Errorf("Head: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"wrong password", Config{URI: srv.URI, User: "neo4j", Password: "not-" + srv.Password}},
		{"no credentials", Config{URI: srv.URI}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, tc.cfg)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) = nil error, want a refusal", tc.name)
			}
			if !strings.Contains(err.Error(), "Unauthorized") && !strings.Contains(err.Error(), "authentication") {
				t.Errorf("Open(%s) = %v, want the server's authentication failure", tc.name, err)
			}
			if tc.cfg.Password != "" && strings.Contains(err.Error(), tc.cfg.Password) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}
