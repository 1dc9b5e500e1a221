package graph

import (
	"strconv"
	"time"

	"github.com/tracegraph/tracegraph"
)

// The fast executor's encoders (fastexec.go). Each appends exactly the bytes
// gqlgen's marshaller of the same scalar writes, as the response then holds
// them: the POST transport writes gqlgen's data as json.Marshal writes a
// json.RawMessage (tracegraph.AppendMarshaledJSON: <, >, &, U+2028 and
// U+2029 escaped), and the fast executor writes that form directly, so that
// its answer needs no second pass. fastexec_json_test.go compares each with
// gqlgen's marshaller followed by AppendMarshaledJSON over generated values.
// None allocates (gqlgen allocates a closure and an interface value for
// every scalar it marshals).

// appendQuoted appends s as gqlgen's graphql.MarshalString writes it
// (writeQuotedString: quotes, backslash escapes for ", \, \t, \r and \n,
// \u00XX for the other control characters, every other byte as it is,
// invalid UTF-8 included) and json.Marshal then rewrites it: <, > and & as
// \u003c, \u003e and \u0026, U+2028 and U+2029 as \u2028 and \u2029. No
// byte of a multi-byte sequence is below 0x80, so a byte loop escapes what
// gqlgen's rune loop escapes.
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' && c != '<' && c != '>' && c != '&' && c != 0xE2 {
			continue
		}
		if c == 0xE2 {
			if i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8 {
				b = append(b, s[start:i]...)
				b = append(b, `\u202`...)
				b = append(b, "89"[s[i+2]&1])
				start = i + 3
				i += 2
			}
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
		case '<':
			b = append(b, `\u003c`...)
		case '>':
			b = append(b, `\u003e`...)
		case '&':
			b = append(b, `\u0026`...)
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
// (strconv.Quote of its name), rewritten as json.Marshal rewrites it;
// scratch is a buffer to reuse, returned.
func appendEnum[E ~string](b, scratch []byte, v E) ([]byte, []byte) {
	if plainName(string(v)) { // strconv.Quote and json.Marshal leave it as it is
		b = append(b, '"')
		b = append(b, v...)
		return append(b, '"'), scratch
	}
	scratch = strconv.AppendQuote(scratch[:0], string(v))
	return tracegraph.AppendMarshaledJSON(b, scratch), scratch
}

// plainName reports whether s is made only of ASCII letters, digits and
// underscores (as every enum value of the schema is).
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
