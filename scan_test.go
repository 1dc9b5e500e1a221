package tracegraph

import (
	"slices"
	"strings"
	"testing"
)

// TestParseScan reads every scan form of the GS1 General Specifications and
// the EPC Tag Data Standard that tracegraph takes, with their examples.
func TestParseScan(t *testing.T) {
	tests := []struct {
		name, in string
		want     []ScanCode
	}{
		{"plain serial", "SN123", []ScanCode{{Value: "SN123"}}},
		{"IMEI stays plain", "359372080000011", []ScanCode{{Value: "359372080000011"}}},
		{"MAC stays plain", "0a:1f:5c:00:00:26", []ScanCode{{Value: "0a:1f:5c:00:00:26"}}},
		{"white space around", "  SN123\t\r\n", []ScanCode{{Value: "SN123"}}},
		{"bracketed serial", "(01)09506000134352(21)SN1", []ScanCode{{AI: "21", Value: "SN1", GTIN: "09506000134352"}}},
		{"bracketed lot and date", "(01)09506000134352(17)201231(10)ABC123", []ScanCode{{AI: "10", Value: "ABC123", GTIN: "09506000134352"}}},
		{"bracketed GTIN only", "(01)09506000134352", []ScanCode{{AI: "01", Value: "09506000134352"}}},
		{"bracketed SSCC", "(00)106141412345678908", []ScanCode{{AI: "00", Value: "106141412345678908"}}},
		{"GS1 DataMatrix raw with GS", "]d2010950600013435221ABC123\x1d10LOT7",
			[]ScanCode{{AI: "21", Value: "ABC123", GTIN: "09506000134352"}, {AI: "10", Value: "LOT7", GTIN: "09506000134352"}}},
		{"GS1 DataMatrix, fixed field then serial", "]d201095060001343522112345", []ScanCode{{AI: "21", Value: "12345", GTIN: "09506000134352"}}},
		{"raw without AIM, FNC1 first", "\x1d0109506000134352" + "21SN9", []ScanCode{{AI: "21", Value: "SN9", GTIN: "09506000134352"}}},
		{"GS1-128 SSCC", "]C100106141412345678908", []ScanCode{{AI: "00", Value: "106141412345678908"}}},
		{"GS1 QR", "]Q3010950600013435210L1", []ScanCode{{AI: "10", Value: "L1", GTIN: "09506000134352"}}},
		{"GS1 DataBar", "]e00109506000134352", []ScanCode{{AI: "01", Value: "09506000134352"}}},
		{"plain Data Matrix AIM", "]d1SN123", []ScanCode{{Value: "SN123"}}},
		{"Digital Link", "https://id.gs1.org/01/09506000134352/10/ABC/21/123456",
			[]ScanCode{{AI: "10", Value: "ABC", GTIN: "09506000134352"}, {AI: "21", Value: "123456", GTIN: "09506000134352"}}},
		{"Digital Link, path prefix, GTIN-13, query", "https://brand.example.com/p/01/9506000134352/21/SN%2F1?17=261231&linkType=gs1:pip",
			[]ScanCode{{AI: "21", Value: "SN/1", GTIN: "09506000134352"}}},
		{"Digital Link SSCC", "HTTPS://example.com/00/106141412345678908", []ScanCode{{AI: "00", Value: "106141412345678908"}}},
		{"Digital Link in a QR with AIM", "]Q1https://example.com/01/09506000134352/21/X", []ScanCode{{AI: "21", Value: "X", GTIN: "09506000134352"}}},
		{"URL that is no Digital Link", "https://example.com/about", []ScanCode{{Value: "https://example.com/about"}}},
		{"EPC SGTIN", "urn:epc:id:sgtin:0614141.812345.6789", []ScanCode{{AI: "21", Value: "6789", GTIN: "80614141123458"}}},
		{"EPC SGTIN tag URI", "urn:epc:tag:sgtin-96:3.0614141.812345.6789", []ScanCode{{AI: "21", Value: "6789", GTIN: "80614141123458"}}},
		{"EPC SSCC", "urn:epc:id:sscc:0614141.1234567890", []ScanCode{{AI: "00", Value: "106141412345678908"}}},
		{"EPC LGTIN", "urn:epc:class:lgtin:4012345.012345.998877", []ScanCode{{AI: "10", Value: "998877", GTIN: "04012345123456"}}},
		{"EPC GIAI", "urn:epc:id:giai:0614141.12345400", []ScanCode{{AI: "8004", Value: "061414112345400"}}},
		{"EPC escaped serial", "urn:epc:id:sgtin:0614141.812345.A%2FB", []ScanCode{{AI: "21", Value: "A/B", GTIN: "80614141123458"}}},
		{"dates only name nothing", "(17)261231", []ScanCode{}},
	}
	checkScans(t, tests)
}

// checkScans runs ParseScan table tests.
func checkScans(t *testing.T, tests []struct {
	name, in string
	want     []ScanCode
}) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseScan(tt.in)
			if err != nil {
				t.Fatalf("ParseScan(%q) = %v", tt.in, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseScan(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseScanRefuses: input that is recognisably GS1 or EPC but does not
// parse is INVALID on the field code, saying why.
func TestParseScanRefuses(t *testing.T) {
	tests := []struct{ in, why string }{
		{"(01)09506000134353(21)X", "GTIN 09506000134353 has a wrong check digit (want 2)"},
		{"(00)106141412345678909", "SSCC 106141412345678909 has a wrong check digit"},
		{"(01)0950600013435(21)X", "must have 14 digits"},
		{"(21)", "has no value"},
		{"(21)" + strings.Repeat("X", 21), "longer than 20"},
		{"(88)X", "unknown application identifier (88)"},
		{"(01)095060001343x2(21)X", "must be digits"},
		{"]d2019506000134352", "needs 14 digits"},
		{"]d2880", "unknown application identifier"},
		{"]C1", "empty"},
		{"https://example.com/01/09506000134353/21/X", "wrong check digit"},
		{"https://example.com/01/09506000134352/21", "an AI without a value"},
		{"https://example.com/01/09506000134352/77/X", "unknown application identifier \"77\""},
		{"urn:epc:id:sgtin:0614141.81234.6789", "13 digits"},
		{"urn:epc:id:sscc:0614141.123", "17 digits"},
		{"urn:epc:id:grai:0614141.12345.400", "reads sgtin, sscc, giai and lgtin"},
		{"urn:epc:id:sgtin", "is not urn:epc"},
	}
	checkRefusals(t, tests)
}

// checkRefusals checks that each input is INVALID on code, saying why.
func checkRefusals(t *testing.T, tests []struct{ in, why string }) {
	t.Helper()
	for _, tt := range tests {
		got, err := ParseScan(tt.in)
		if err == nil {
			t.Errorf("ParseScan(%q) = %v, want INVALID %q", tt.in, got, tt.why)
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != CodeInvalid || e.Field != "code" || !strings.Contains(e.Message, tt.why) {
			t.Errorf("ParseScan(%q) = %v, want INVALID on code saying %q", tt.in, err, tt.why)
		}
	}
}

func TestValidGTIN(t *testing.T) {
	for in, want := range map[string]bool{
		"09506000134352": true, "9506000134352": true, "95060001": false, "96385074": true,
		"036000291452": true, "036000291453": false, "0950600013435x": false, "": false,
	} {
		if got := ValidGTIN(in); got != want {
			t.Errorf("ValidGTIN(%q) = %v, want %v", in, got, want)
		}
	}
}
