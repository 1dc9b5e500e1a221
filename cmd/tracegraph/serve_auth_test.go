package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesBadAuth: serve stops at once, before opening the store,
// with an error naming the problem, when the auth flags cannot work.
func TestServeRefusesBadAuth(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"short secret", []string{"--auth-jwt-secret", "s3cret"}, "the HS256 secret is 6 bytes; it must be at least 32"},
		{"issuer without audience", []string{"--auth-oidc-issuer", "https://idp.example/realms/plant"}, "needs the audience"},
		{"both", []string{"--auth-jwt-secret", strings.Repeat("k", 32), "--auth-oidc-issuer", "https://idp.example", "--auth-audience", "tracegraph"}, "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			_, err := run(t, append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("serve %v = %v, want an error saying %q", tt.args, err, tt.want)
			}
			if _, err := os.Stat(data); err == nil {
				t.Errorf("serve created %s before refusing its flags", data)
			}
		})
	}
}
