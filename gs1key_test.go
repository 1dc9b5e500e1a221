package tracegraph

import (
	"strings"
	"testing"
)

// TestParseGS1Key reads the EPC URIs and Digital Link URIs of EPCIS events
// into the keys they name, the GTIN beside the serial or lot included.
func TestParseGS1Key(t *testing.T) {
	tests := []struct {
		in      string
		want    GS1Key
		ok      bool
		wantErr string
	}{
		{"urn:epc:id:sgtin:0614141.107346.2017", GS1Key{KeySGTIN, "10614141073464", "2017"}, true, ""},
		{"urn:epc:class:lgtin:4012345.012345.998877", GS1Key{KeyLGTIN, "04012345123456", "998877"}, true, ""},
		{"urn:epc:idpat:sgtin:4012345.066666.*", GS1Key{KeyGTIN, "04012345666663", ""}, true, ""},
		{"urn:epc:id:sscc:0614141.1234567890", GS1Key{KeySSCC, "", "106141412345678908"}, true, ""},
		{"urn:epc:id:giai:0614141.12345400", GS1Key{KeyGIAI, "", "061414112345400"}, true, ""},
		{"https://id.gs1.org/01/09506000134352/21/SN%2F1", GS1Key{KeySGTIN, "09506000134352", "SN/1"}, true, ""},
		{"https://id.gs1.org/01/09506000134352/10/L1", GS1Key{KeyLGTIN, "09506000134352", "L1"}, true, ""},
		{"https://id.gs1.org/01/09506000134352", GS1Key{KeyGTIN, "09506000134352", ""}, true, ""},
		{"https://id.gs1.org/00/106141412345678908", GS1Key{KeySSCC, "", "106141412345678908"}, true, ""},
		{"urn:uuid:6d2a7b4a-1b1d-4c4f-9d3a-2f1c1e0b9a77", GS1Key{}, false, ""},
		{"https://example.com/about", GS1Key{}, false, ""},
		{"urn:epc:idpat:sgtin:4012345.066666.12", GS1Key{}, true, "a pattern of a whole product"},
		{"urn:epc:id:sgtin:0614141.81234.6789", GS1Key{}, true, "13 digits"},
		{"https://id.gs1.org/01/09506000134351/21/1", GS1Key{}, true, "check digit"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok, err := ParseGS1Key(tt.in)
			if ok != tt.ok || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("ParseGS1Key(%q) = %v, %v, %v; want ok %v, error containing %q", tt.in, got, ok, err, tt.ok, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("ParseGS1Key(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}
