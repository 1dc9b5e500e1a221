package tracegraph

import (
	"slices"
	"testing"
)

func TestNormalizeIdentifier(t *testing.T) {
	tests := []struct {
		scheme, value, want string
		ok                  bool
	}{
		{SchemeMAC, "00:1B:44:11:3A:B7", "00:1B:44:11:3A:B7", true},
		{SchemeMAC, "00:1b:44:11:3a:b7", "00:1B:44:11:3A:B7", true},
		{SchemeMAC, "00-1b-44-11-3a-b7", "00:1B:44:11:3A:B7", true},
		{SchemeMAC, "001b.4411.3ab7", "00:1B:44:11:3A:B7", true},
		{SchemeMAC, "001b44113ab7", "00:1B:44:11:3A:B7", true},
		{SchemeMAC, "00:1B:44:11:3A", "00:1B:44:11:3A", false},
		{SchemeMAC, "00:1B:44:11:3A:G7", "00:1B:44:11:3A:G7", false},
		{SchemeIMEI, "356938035643809", "356938035643809", true},
		{SchemeIMEI, "35-693803-564380-9", "356938035643809", true},
		{SchemeIMEI, "35 693803 564380 9", "356938035643809", true},
		{SchemeIMEI, "3569380356438091", "3569380356438091", true}, // IMEISV
		{SchemeIMEI, "35693803564380X", "35693803564380X", false},
		{SchemeIMEI, "3569380356", "3569380356", false},
		{SchemeGTIN, "4006381333931", "04006381333931", true},
		{SchemeGTIN, "04006381333931", "04006381333931", true},
		{SchemeGTIN, "96385074", "00000096385074", true},
		{SchemeGTIN, "036000291452", "00036000291452", true},
		{SchemeGTIN, "4006381333932", "4006381333932", false},
		{SchemeGTIN, "400638133393", "400638133393", false},
		{"CUSTOMER_SERIAL", "cs-77", "cs-77", true},
	}
	for _, tt := range tests {
		t.Run(tt.scheme+" "+tt.value, func(t *testing.T) {
			got, ok := NormalizeIdentifier(tt.scheme, tt.value)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizeIdentifier(%s, %q) = %q, %v; want %q, %v", tt.scheme, tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestIdentifierForms(t *testing.T) {
	tests := []struct {
		code string
		want []Identifier
	}{
		{"CS-77", []Identifier{{Value: "CS-77"}}},
		{"00:1B:44:11:3A:B7", []Identifier{{Value: "00:1B:44:11:3A:B7"}}},
		{"00-1b-44-11-3a-b7", []Identifier{{Value: "00-1b-44-11-3a-b7"}, {Scheme: SchemeMAC, Value: "00:1B:44:11:3A:B7"}}},
		{"4006381333931", []Identifier{{Value: "4006381333931"}, {Scheme: SchemeGTIN, Value: "04006381333931"}}},
		// 12 digits may be a MAC and a GTIN-12.
		{"036000291452", []Identifier{{Value: "036000291452"}, {Scheme: SchemeMAC, Value: "03:60:00:29:14:52"}, {Scheme: SchemeGTIN, Value: "00036000291452"}}},
	}
	for _, tt := range tests {
		if got := IdentifierForms(tt.code); !slices.Equal(got, tt.want) {
			t.Errorf("IdentifierForms(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}
