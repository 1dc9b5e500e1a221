package main

import (
	"strings"
	"testing"
)

// TestCFXFlags: the CFX flags make the mapping's options, and a broker
// without an address (or the other way round) or a test type that is not
// HANDLE=TYPE is refused, saying which flag.
func TestCFXFlags(t *testing.T) {
	tests := []struct {
		flags   cfxFlags
		wantErr string
	}{
		{flags: cfxFlags{url: "amqp://127.0.0.1:5672", source: "/amq/queue/cfx", panelPositions: true, testTypes: []string{"Line1.ICT=ICT", " Line1.FCT = FCT "}}},
		{flags: cfxFlags{url: "amqp://127.0.0.1:5672"}, wantErr: "--cfx-source"},
		{flags: cfxFlags{source: "/amq/queue/cfx"}, wantErr: "--cfx-amqp"},
		{flags: cfxFlags{testTypes: []string{"ICT"}}, wantErr: "--cfx-test-type"},
		{flags: cfxFlags{testTypes: []string{"=ICT"}}, wantErr: "--cfx-test-type"},
	}
	for _, tt := range tests {
		opts, err := tt.flags.options()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("options(%+v) = %v, want an error naming %s", tt.flags, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("options(%+v) = %v", tt.flags, err)
		}
		if !opts.PanelPositions || opts.TestTypes["Line1.ICT"] != "ICT" || opts.TestTypes["Line1.FCT"] != "FCT" {
			t.Errorf("options(%+v) = %+v, want panel positions and the two test types", tt.flags, opts)
		}
	}
}
