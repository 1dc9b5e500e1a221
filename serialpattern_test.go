package tracegraph

import (
	"strings"
	"testing"
	"time"
)

func TestParseSerialPatternRefuses(t *testing.T) {
	tests := []struct {
		pattern, site, field, msg string
	}{
		{"", "", "pattern", "required"},
		{"MT{yy}{ww}", "", "pattern", "no {seq:N}"},
		{"MT{seq:6}{seq:2}", "", "pattern", "two {seq:N}"},
		{"MT{seq:0}", "", "pattern", "from 1 to 15"},
		{"MT{seq:16}", "", "pattern", "from 1 to 15"},
		{"MT{seq:06}", "", "pattern", "from 1 to 15"},
		{"MT{seq:+6}", "", "pattern", "from 1 to 15"},
		{"MT{seq:}", "", "pattern", "from 1 to 15"},
		{"MT{seq:x}", "", "pattern", "from 1 to 15"},
		{"MT{seq:6", "", "pattern", `"{" without "}"`},
		{"MT}{seq:6}", "", "pattern", `"}" without "{"`},
		{"MT{week}{seq:6}", "", "pattern", "unknown placeholder {week}"},
		{"MT{YY}{seq:6}", "", "pattern", "unknown placeholder {YY}"},
		{"MT{luhn}{seq:6}", "", "pattern", "must be last"},
		{"MT{seq:6}{luhn}{mod10}", "", "pattern", "must be last"},
		{"MT{seq:6}{luhn}X", "", "pattern", "must be last"},
		{"M T{seq:6}", "", "pattern", "literal text"},
		{"MT#{seq:6}", "", "pattern", "literal text"},
		{"MT{site}{seq:6}", "", "site", "needs a site code"},
		{"MT{seq:6}", "S1", "site", "no {site}"},
		{"MT{site}{seq:6}", "S-1", "site", "letters or digits"},
		{"MT{site}{seq:6}", "ABCDEFGHI", "site", "letters or digits"},
		{strings.Repeat("A", 60) + "{seq:6}", "", "pattern", "at most 64"},
		{strings.Repeat("A", 101), "", "pattern", "longer than 100"},
	}
	for _, tt := range tests {
		_, err := ParseSerialPattern(tt.pattern, tt.site)
		if err == nil || err.Code != CodeInvalid || err.Field != tt.field || !strings.Contains(err.Message, tt.msg) {
			t.Errorf("ParseSerialPattern(%q, %q) = %v, want INVALID %s saying %q", tt.pattern, tt.site, err, tt.field, tt.msg)
		}
	}
}

func TestSerialPatternRender(t *testing.T) {
	wed := time.Date(2026, 11, 25, 23, 30, 0, 0, time.FixedZone("CET", 3600)) // 22:30 UTC, ISO week 48
	newYear := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)                   // a Friday: ISO week 53 of 2026
	tests := []struct {
		pattern, site string
		at            time.Time
		seq           uint64
		want          string
	}{
		{"MT{yy}{ww}{seq:6}", "", wed, 1, "MT2648000001"},
		{"MT{yy}{ww}{seq:6}{luhn}", "", wed, 1, "MT26480000012"},
		{"{yyyy}-{seq:4}", "", wed, 42, "2026-0042"},
		{"{yyyy}{ww}-{seq:4}", "", newYear, 7, "202653-0007"},
		{"{yy}{seq:3}", "", newYear, 7, "27007"},
		{"SN{site}{seq:5}{mod10}", "B2", wed, 12345, "SNB2123455"}, // the site's digit counts,
		// The check characters of known numbers: an IMEI (Luhn), a GTIN
		// (GS1 mod 10) and ORCID iDs (ISO 7064 MOD 11-2).
		{"{seq:14}{luhn}", "", wed, 35693803564380, "356938035643809"},
		{"{seq:12}{mod10}", "", wed, 400638133393, "4006381333931"},
		{"{seq:15}{mod11}", "", wed, 21825009, "000000021825009" + "7"},
		{"{seq:15}{mod11}", "", wed, 21694233, "000000021694233" + "X"},
	}
	for _, tt := range tests {
		p, err := ParseSerialPattern(tt.pattern, tt.site)
		if err != nil {
			t.Fatalf("ParseSerialPattern(%q) error: %v", tt.pattern, err)
		}
		got := p.Render(tt.at, tt.seq)
		if got != tt.want {
			t.Errorf("%s.Render(%s, %d) = %q, want %q", tt.pattern, tt.at, tt.seq, got, tt.want)
			continue
		}
		seq, stamp, ok := p.Match(got)
		if !ok || seq != tt.seq || stamp != p.Stamp(tt.at) {
			t.Errorf("%s.Match(%q) = %d, %q, %v; want %d, %q, true", tt.pattern, got, seq, stamp, ok, tt.seq, p.Stamp(tt.at))
		}
	}
}

func TestSerialPatternMatchRefuses(t *testing.T) {
	p, err := ParseSerialPattern("MT{yy}{ww}{seq:6}{luhn}", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"MT26480000013",  // wrong check digit
		"MT2648000001",   // too short
		"MT264800000122", // too long
		"XT26480000012",  // other prefix
		"MT2654000001" + string(LuhnDigit("2654000001")), // week 54
		"MT2600000001" + string(LuhnDigit("2600000001")), // week 00
		"MT26480A00012", // a letter in the sequence
	} {
		if _, _, ok := p.Match(s); ok {
			t.Errorf("Match(%q) = ok, want refused", s)
		}
	}
	if p.MaxSeq() != 999999 {
		t.Errorf("MaxSeq() = %d, want 999999", p.MaxSeq())
	}
}
