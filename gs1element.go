package tracegraph

import (
	"strings"
)

// GS1Field is one GS1 application identifier and its value: ("01",
// "09506000134352"), ("21", "SN1").
type GS1Field struct {
	AI    string `json:"ai"`
	Value string `json:"value"`
}

// ElementString is a GS1 element string: the fields a GS1 Data Matrix or
// GS1-128 symbol carries, in order. See scan.go for reading one back.
type ElementString []GS1Field

// predefinedLength reports whether an application identifier belongs to the
// GS1 General Specifications' table of predefined-length element strings
// (Figure 7.8.5-2, by its first two digits): those need no separator after
// them, every other field does unless it is the last. A fixed-length AI that
// is not in the table (7003, 410…) still takes one.
func predefinedLength(ai string) bool {
	if len(ai) < 2 {
		return false
	}
	switch ai[:2] {
	case "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
		"31", "32", "33", "34", "35", "36", "41":
		return true
	}
	return false
}

// Validate checks every field against its format and check digit (the
// rules ParseScan reads with): INVALID naming field "code".
func (es ElementString) Validate() error {
	if len(es) == 0 {
		return scanError("GS1 element string is empty")
	}
	for _, f := range es {
		ai, spec, ok := aiFormat(f.AI)
		if !ok || ai != f.AI {
			return scanError("GS1 element string: unknown application identifier (%s)", f.AI)
		}
		if _, err := checkField(ai, spec, f.Value); err != nil {
			return err
		}
		if i := strings.IndexFunc(f.Value, func(r rune) bool { return !inCharSet82(r) }); i >= 0 {
			return scanError("GS1 (%s) %q holds %q, which is not in the GS1 character set 82 (letters, digits and !\"%%&'()*+,-./:;<=>?_)",
				f.AI, clip(f.Value), f.Value[i:i+1])
		}
	}
	return nil
}

// inCharSet82 reports whether r is in GS1 AI encodable character set 82
// (GS1 General Specifications, figure 7.11-1): what an AI's value may hold.
func inCharSet82(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("!\"%&'()*+,-./:;<=>?_", r)
}

// Bracketed returns the human-readable interpretation printed under a
// symbol: "(01)09506000134352(21)SN1".
func (es ElementString) Bracketed() string {
	var b strings.Builder
	for _, f := range es {
		b.WriteString("(" + f.AI + ")" + f.Value)
	}
	return b.String()
}

// Encode returns the data a symbol carries: fnc1 first (the FNC1 that
// marks a GS1 symbol), the fields run together, and sep after every field
// that is not of predefined length unless it is the last. Symbol encoders
// take FNC1 in their own way (a codeword, a special rune): callers pass it.
func (es ElementString) Encode(fnc1, sep string) string {
	var b strings.Builder
	b.WriteString(fnc1)
	for i, f := range es {
		b.WriteString(f.AI + f.Value)
		if i < len(es)-1 && !predefinedLength(f.AI) {
			b.WriteString(sep)
		}
	}
	return b.String()
}

// Scanned returns the element string as a scanner or decoder reports it:
// no leading FNC1, each separator the GS character (ASCII 29).
func (es ElementString) Scanned() string { return es.Encode("", gs) }

// Get returns the value of the first field with this AI, or "".
func (es ElementString) Get(ai string) string {
	for _, f := range es {
		if f.AI == ai {
			return f.Value
		}
	}
	return ""
}

// digitalLinkPath lists the AIs that go into a Digital Link URI's path, in
// the order the GS1 Digital Link standard gives them: a primary key and its
// key qualifiers. Every other AI goes into the query string.
var digitalLinkPath = map[string][]string{
	"01": {"22", "10", "21"},
	"00": nil,
}

// DigitalLink returns the GS1 Digital Link URI of the element string on
// base (a scheme and host, optionally a path: "https://id.example.com"):
// the primary key (01 GTIN or 00 SSCC) and its qualifiers in the path,
// other data attributes in the query string. Values are percent-encoded
// (only unreserved characters stay as they are). INVALID when the element
// string has no primary key or base is not an http(s) URL.
func (es ElementString) DigitalLink(base string) (string, error) {
	if !hasPrefixFold(base, "http://") && !hasPrefixFold(base, "https://") {
		return "", Errorf(CodeInvalid, "publicURL", "the public base URL %q must start with http:// or https://", base)
	}
	var key GS1Field
	for _, f := range es {
		if _, ok := digitalLinkPath[f.AI]; ok {
			key = f
			break
		}
	}
	if key.AI == "" {
		return "", scanError("a GS1 Digital Link needs a GTIN (01) or an SSCC (00)")
	}
	var b strings.Builder
	b.WriteString(strings.TrimRight(base, "/"))
	b.WriteString("/" + key.AI + "/" + dlEscape(key.Value))
	inPath := map[string]bool{key.AI: true}
	for _, q := range digitalLinkPath[key.AI] {
		if v := es.Get(q); v != "" {
			b.WriteString("/" + q + "/" + dlEscape(v))
			inPath[q] = true
		}
	}
	sep := "?"
	for _, f := range es {
		if !inPath[f.AI] {
			b.WriteString(sep + f.AI + "=" + dlEscape(f.Value))
			sep = "&"
		}
	}
	return b.String(), nil
}

// dlEscape percent-encodes every byte but the unreserved characters of RFC
// 3986, as GS1 Digital Link asks of AI values.
func dlEscape(s string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}
