package main

import (
	"strings"
	"testing"
)

// TestServeLimitFlags: the limits reach the server, from the flags and
// from their environment twins; a bad allowed origin stops serve before
// it listens.
func TestServeLimitFlags(t *testing.T) {
	tests := []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"a flag", "", []string{"--allowed-origins", "https://ok.example.com,dash.example.com"}, `"dash.example.com" is not scheme://host`},
		{"its environment twin", "https://ok.example.com,ftp://files.example.com", nil, `"ftp://files.example.com" is not scheme://host`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("TRACEGRAPH_ALLOWED_ORIGINS", tt.env)
			}
			args := append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tt.args...)
			_, err := run(t, args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("serve %v = %v, want an error naming %s", tt.args, err, tt.want)
			}
		})
	}
}
