package tracegraph

import (
	"slices"
	"testing"
)

func TestElementString(t *testing.T) {
	const gtin = "09506000134352"
	tests := []struct {
		name           string
		es             ElementString
		bracketed, raw string // raw: with "|" for FNC1
		link           string // on https://id.example.com/
		wantScanBack   []ScanCode
		invalid        bool
	}{
		{name: "GTIN and serial", es: ElementString{{"01", gtin}, {AI: "21", Value: "SN1"}},
			bracketed: "(01)09506000134352(21)SN1", raw: "|0109506000134352" + "21SN1",
			link: "https://id.example.com/01/09506000134352/21/SN1", wantScanBack: []ScanCode{{AI: "21", Value: "SN1"}}},
		{name: "date is predefined, serial then lot needs a separator", es: ElementString{{"01", gtin}, {"11", "260105"}, {"21", "SN1"}, {AI: "10", Value: "L/1"}},
			bracketed: "(01)09506000134352(11)260105(21)SN1(10)L/1", raw: "|0109506000134352" + "11260105" + "21SN1|10L/1",
			link: "https://id.example.com/01/09506000134352/10/L%2F1/21/SN1?11=260105", wantScanBack: []ScanCode{{AI: "21", Value: "SN1"}, {AI: "10", Value: "L/1"}}},
		{name: "7003 is fixed-length but not predefined: separator", es: ElementString{{"01", gtin}, {"7003", "2601051200"}, {AI: "21", Value: "A/B"}},
			raw: "|0109506000134352" + "70032601051200|21A/B", bracketed: "(01)09506000134352(7003)2601051200(21)A/B",
			link: "https://id.example.com/01/09506000134352/21/A%2FB?7003=2601051200", wantScanBack: []ScanCode{{AI: "21", Value: "A/B"}}},
		{name: "SSCC", es: ElementString{{"00", "340123450000000017"}}, bracketed: "(00)340123450000000017", raw: "|00340123450000000017",
			link: "https://id.example.com/00/340123450000000017", wantScanBack: []ScanCode{{AI: "00", Value: "340123450000000017"}}},
		{name: "bad GTIN check digit", es: ElementString{{"01", "09506000134353"}, {AI: "21", Value: "SN1"}}, invalid: true},
		{name: "serial too long", es: ElementString{{"01", gtin}, {AI: "21", Value: "123456789012345678901"}}, invalid: true},
		{name: "unknown AI", es: ElementString{{"99999", "x"}}, invalid: true},
		{name: "a space is not in character set 82", es: ElementString{{"01", gtin}, {AI: "21", Value: "SN 1"}}, invalid: true},
		{name: "nor is a GS", es: ElementString{{"01", gtin}, {AI: "21", Value: "SN\x1d1"}}, invalid: true},
		{name: "nor a letter with an accent", es: ElementString{{"01", gtin}, {AI: "21", Value: "SNé"}}, invalid: true},
		{name: "empty", invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.es.Validate()
			if tt.invalid {
				if ErrorCode(err) != CodeInvalid {
					t.Fatalf("Validate(%v) = %v, want INVALID", tt.es, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate(%v) = %v", tt.es, err)
			}
			if got := tt.es.Bracketed(); got != tt.bracketed {
				t.Errorf("Bracketed = %q, want %q", got, tt.bracketed)
			}
			if got := tt.es.Encode("|", "|"); got != tt.raw {
				t.Errorf("Encode = %q, want %q", got, tt.raw)
			}
			link, err := tt.es.DigitalLink("https://id.example.com/")
			if err != nil || link != tt.link {
				t.Errorf("DigitalLink = %q, %v, want %q", link, err, tt.link)
			}
			// What a scanner reports, and the link, read back as the same codes.
			for _, in := range []string{"]d2" + tt.es.Scanned(), tt.es.Bracketed(), link} {
				got, err := ParseScan(in)
				if err != nil || len(got) != len(tt.wantScanBack) {
					t.Fatalf("ParseScan(%q) = %v, %v, want %v", in, got, err, tt.wantScanBack)
				}
				for _, w := range tt.wantScanBack { // the link's path has its own order
					if !slices.ContainsFunc(got, func(g ScanCode) bool { return g.AI == w.AI && g.Value == w.Value }) {
						t.Errorf("ParseScan(%q) = %v, want %v among them", in, got, w)
					}
				}
			}
		})
	}
	if _, err := (ElementString{{"01", gtin}}).DigitalLink("id.example.com"); ErrorCode(err) != CodeInvalid {
		t.Errorf("DigitalLink on a base without scheme = %v, want INVALID", err)
	}
}
