package graph

import (
	"strconv"
	"time"
)

// The fast executor's encoders (fastexec.go). Each appends exactly the bytes
// gqlgen's marshaller of the same scalar writes (fastexec_json_test.go
// compares them over generated values), without the closure and the
// interface value gqlgen allocates for every scalar it marshals.

// appendQuoted appends s as gqlgen's graphql.MarshalString writes it
// (writeQuotedString): quotes, backslash escapes for ", \, \t, \r and \n,
// \u00XX for the other control characters, every other byte as it is
// (invalid UTF-8 included: gqlgen copies the bytes between the characters it
// escapes, and no byte of a multi-byte sequence is below 0x80).
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '\t':
			b = append(b, `\t`...)
		case '\r':
			b = append(b, `\r`...)
		case '\n':
			b = append(b, `\n`...)
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendDateTime appends t as model.MarshalDateTime writes it: RFC 3339 with
// nanoseconds, in UTC, quoted.
func appendDateTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendFloat appends f as graphql.MarshalFloatContext writes it
// (fmt's %g, which is strconv's shortest 'g' form). It reports false for
// NaN and the infinities, which gqlgen answers with an error.
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if f != f || f > maxFloat || f < -maxFloat {
		return b, false
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64), true
}

const maxFloat = 1.7976931348623157e308

// appendEnum appends an enum value as the model's MarshalGQL writes it
// (strconv.Quote of its name).
func appendEnum[E ~string](b []byte, v E) []byte { return strconv.AppendQuote(b, string(v)) }
