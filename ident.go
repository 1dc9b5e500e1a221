package tracegraph

import (
	"slices"
	"strings"
)

// Identifier schemes with a canonical form (NormalizeIdentifier).
const (
	SchemeMAC  = "MAC"
	SchemeIMEI = "IMEI"
	SchemeGTIN = "GTIN"
)

// canonicalSchemes are the schemes NormalizeIdentifier rewrites, in the
// order IdentifierForms tries them.
var canonicalSchemes = []string{SchemeMAC, SchemeIMEI, SchemeGTIN}

// NormalizeIdentifier returns the canonical form of value under scheme (a
// canonical scheme, see NormalizeScheme) and whether value has the scheme's
// format. Identifiers are stored in this form and codes are looked up in it,
// so that a number matches however it was typed:
//
//   - MAC: 12 hex digits, whatever the separators (':', '-', '.' or none) and
//     case; canonical upper case in pairs separated by colons
//     (aabb.ccdd.eeff → AA:BB:CC:DD:EE:FF).
//   - IMEI: 14 to 16 digits (without or with the check digit, or an IMEISV),
//     spaces, '-', '/' and '.' dropped; canonical digits only.
//   - GTIN: 8, 12, 13 or 14 digits with a valid GS1 check digit; canonical
//     14 digits, padded with leading zeros.
//
// Any other scheme's value is returned as it is, with ok true.
func NormalizeIdentifier(scheme, value string) (canonical string, ok bool) {
	switch scheme {
	case SchemeMAC:
		hex := strip(value, ":-.")
		if len(hex) != 12 || !all(hex, isHex) {
			return value, false
		}
		hex = strings.ToUpper(hex)
		var b strings.Builder
		for i := 0; i < 12; i += 2 {
			if i > 0 {
				b.WriteByte(':')
			}
			b.WriteString(hex[i : i+2])
		}
		return b.String(), true
	case SchemeIMEI:
		d := strip(value, " -/.")
		if len(d) < 14 || len(d) > 16 || !all(d, isDigit) {
			return value, false
		}
		return d, true
	case SchemeGTIN:
		switch len(value) {
		case 8, 12, 13, 14:
		default:
			return value, false
		}
		if !all(value, isDigit) || gs1CheckDigit(value[:len(value)-1]) != value[len(value)-1] {
			return value, false
		}
		return strings.Repeat("0", 14-len(value)) + value, true
	}
	return value, true
}

// checkIdentifierFormat refuses a value that does not have its scheme's
// format (NormalizeIdentifier).
func checkIdentifierFormat(field, scheme, value string) *Error {
	if _, ok := NormalizeIdentifier(NormalizeScheme(scheme), value); ok {
		return nil
	}
	var want string
	switch NormalizeScheme(scheme) {
	case SchemeMAC:
		want = "12 hex digits, e.g. 00:1B:44:11:3A:B7"
	case SchemeIMEI:
		want = "14 to 16 digits"
	case SchemeGTIN:
		want = "8, 12, 13 or 14 digits with a valid GS1 check digit"
	}
	return Errorf(CodeInvalid, field, "%s %q is not a %s (want %s)", NormalizeScheme(scheme), value, NormalizeScheme(scheme), want)
}

// IdentifierForms returns the identifiers a typed or scanned code may be
// stored as: the code itself under any scheme (Scheme ""), then its
// canonical form under each scheme whose format it has and that rewrites it
// (a MAC typed in lower case or with other separators, an IMEI with spaces,
// a GTIN-13 padded to 14 digits).
func IdentifierForms(code string) []Identifier {
	out := []Identifier{{Value: code}}
	for _, s := range canonicalSchemes {
		if v, ok := NormalizeIdentifier(s, code); ok && v != code {
			out = append(out, Identifier{Scheme: s, Value: v})
		}
	}
	return out
}

// IdentifierOwnersOf returns the identifiers code names in any of its forms
// (IdentifierForms), each once, in the order of the forms; owners reads the
// identifiers with one value, any scheme (GraphReader.IdentifierOwners).
func IdentifierOwnersOf(code string, owners func(value string) ([]Identifier, error)) ([]Identifier, error) {
	var out []Identifier
	for _, f := range IdentifierForms(code) {
		got, err := owners(f.Value)
		if err != nil {
			return nil, err
		}
		for _, o := range got {
			if (f.Scheme == "" || o.Scheme == f.Scheme) && !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

func strip(s, chars string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(chars, r) {
			return -1
		}
		return r
	}, s)
}

func all(s string, f func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !f(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
