package tracegraph

import (
	"net/url"
	"strconv"
	"strings"
)

// What a scanner sends, and how ParseScan reads it:
//
//   - an AIM symbology identifier first ("]d2" GS1 DataMatrix, "]C1" GS1-128,
//     "]Q3" GS1 QR Code, "]e0" GS1 DataBar, "]J1" GS1 DotCode): a GS1
//     element string follows in its raw form, each variable-length field
//     ended by the GS character (ASCII 29, FNC1 as scanners send it); any
//     other identifier ("]d1", "]C0", "]Q1", …) is stripped and the rest read
//     as below;
//   - a raw element string without an identifier, recognised when it starts
//     with or contains GS, or when it starts with (01) or (00) and a value
//     with a valid check digit and parses to the end without one;
//   - the bracketed form people type: "(01)09506000134352(21)SN1", spaces
//     between fields allowed;
//   - a GS1 Digital Link URI on any domain, with or without a path before
//     the primary key and a query string: https://example.com/01/…/21/…,
//     the short names of Digital Link 1.0 (/gtin/…/ser/…) too;
//   - an EPC URI: urn:epc:id:sgtin:…, urn:epc:id:sscc:…, urn:epc:id:giai:…,
//     urn:epc:class:lgtin:…, and the tag URIs urn:epc:tag:sgtin-96:… etc.;
//   - anything else: a plain code (a serial, an id, an IMEI, a MAC, …).
//
// GTINs, SSCCs and GLNs must carry a correct check digit; fixed-length
// fields must have their length and digits, dates (11) to (17) a month and
// day, and every value the GS1 character set 82. An application identifier
// the table below does not name is read by the rules of its first two
// digits (its length, and whether its value has a predefined length) and
// skipped. Input that is recognisably one of the
// GS1 or EPC forms but does not parse is an error that says why.

// aimGS1 are the AIM symbology identifiers of symbols that carry GS1 data.
var aimGS1 = map[string]bool{"]d2": true, "]C1": true, "]Q3": true, "]e0": true, "]J1": true}

// gs is the group separator scanners send for FNC1.
const gs = "\x1d"

// aiSpec is one application identifier's format: a fixed number of digits
// (fixed > 0), or up to max characters ended by GS or the end.
type aiSpec struct {
	fixed, max int
	numeric    bool
}

// aiFormat returns the format of the application identifier at the start of
// s, and its length; ok is false for an identifier tracegraph does not know.
// The table holds the identifiers of the GS1 General Specifications that
// appear on electronics labels (identification, dates, quantities, origin).
func aiFormat(s string) (ai string, spec aiSpec, ok bool) {
	if len(s) < 2 {
		return "", aiSpec{}, false
	}
	two := s[:2]
	switch two {
	case "00":
		return two, aiSpec{fixed: 18, numeric: true}, true
	case "01", "02":
		return two, aiSpec{fixed: 14, numeric: true}, true
	case "11", "12", "13", "15", "16", "17":
		return two, aiSpec{fixed: 6, numeric: true}, true
	case "20":
		return two, aiSpec{fixed: 2, numeric: true}, true
	case "10", "21", "22":
		return two, aiSpec{max: 20}, true
	case "30", "37":
		return two, aiSpec{max: 8, numeric: true}, true
	case "90":
		return two, aiSpec{max: 30}, true
	case "91", "92", "93", "94", "95", "96", "97", "98", "99": // company internal
		return two, aiSpec{max: 90}, true
	}
	if len(s) >= 3 {
		three := s[:3]
		switch three {
		case "240", "241", "250", "251", "400", "401", "403":
			return three, aiSpec{max: 30}, true
		case "235":
			return three, aiSpec{max: 28}, true
		case "410", "411", "412", "413", "414", "415", "416", "417":
			return three, aiSpec{fixed: 13, numeric: true}, true
		case "422", "424", "426":
			return three, aiSpec{fixed: 3, numeric: true}, true
		}
	}
	if len(s) >= 4 {
		four := s[:4]
		switch four {
		case "8004":
			return four, aiSpec{max: 30}, true
		case "8003":
			return four, aiSpec{max: 30}, true
		case "7003":
			return four, aiSpec{fixed: 10, numeric: true}, true
		}
	}
	return aiGeneric(s)
}

// aiGeneric reads an application identifier the table above does not name
// by the rules every GS1 AI follows (GS1 General Specifications 3.2 and
// figure 7.8.5-2): its first two digits fix how many digits it has, and
// whether its value has a predefined length (which needs no separator).
// Such a value is read and skipped: it names nothing tracegraph keeps
// (a weight, a measure, a price, a date).
func aiGeneric(s string) (ai string, spec aiSpec, ok bool) {
	if len(s) < 2 || !allDigits(s[:2]) {
		return "", aiSpec{}, false
	}
	n := 0
	switch p := s[:2]; p {
	case "00", "01", "02", "03", "04", "10", "11", "12", "13", "15", "16", "17", "20", "21", "22", "30", "37",
		"90", "91", "92", "93", "94", "95", "96", "97", "98", "99":
		n = 2
	case "23", "24", "25", "40", "41", "42":
		n = 3
	case "31", "32", "33", "34", "35", "36", "39", "43", "70", "71", "72", "80", "81", "82":
		n = 4
	default:
		return "", aiSpec{}, false
	}
	if len(s) < n || !allDigits(s[:n]) {
		return "", aiSpec{}, false
	}
	switch s[:2] {
	case "31", "32", "33", "34", "35", "36":
		return s[:n], aiSpec{fixed: 6, numeric: true}, true // measures: 4-digit AI, 6 digits
	}
	return s[:n], aiSpec{max: 90}, true
}

// ParseScan splits what a person scans or types into the codes to look up.
// It returns INVALID (field "code") when the input is a GS1 element string,
// Digital Link URI or EPC URI that does not parse, saying why.
func ParseScan(code string) ([]ScanCode, error) {
	code = strings.TrimSpace(code)
	if len(code) >= 3 && code[0] == ']' {
		id, rest := code[:3], code[3:]
		if aimGS1[id] {
			return rawElementString(rest)
		}
		code = strings.TrimSpace(rest)
	}
	switch {
	case strings.Contains(code, gs):
		return rawElementString(code)
	case unseparated(code):
		// An element string whose scanner dropped the symbology
		// identifier and needs no separator: a GTIN or SSCC with its
		// check digit first, then fields that parse to the end.
		if out, err := rawElementString(code); err == nil {
			return out, nil
		}
	case strings.HasPrefix(code, "("):
		return bracketed(code)
	case hasPrefixFold(code, "http://") || hasPrefixFold(code, "https://"):
		if out, err, ok := digitalLink(code); ok {
			return out, err
		}
	case hasPrefixFold(code, "urn:epc:"):
		return epcURI(code)
	}
	return []ScanCode{{Value: code}}, nil
}

// unseparated reports whether code may be a raw element string sent
// without a symbology identifier or any GS: it starts with (00) or (01) and
// a value with a valid check digit, and has more after it (a bare SSCC or
// GTIN is an identifier as it is).
func unseparated(code string) bool {
	switch {
	case len(code) > 20 && strings.HasPrefix(code, "00"):
		return allDigits(code[2:20]) && ValidSSCC(code[2:20])
	case len(code) > 16 && strings.HasPrefix(code, "01"):
		return allDigits(code[2:16]) && ValidGTIN(code[2:16])
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func scanError(format string, args ...any) *Error {
	return Errorf(CodeInvalid, "code", format, args...)
}

// rawElementString parses a GS1 element string as scanners send it: AIs and
// values run together, variable-length values ended by GS.
func rawElementString(s string) ([]ScanCode, error) {
	s = strings.TrimPrefix(s, gs)
	var out []ScanCode
	for s != "" {
		ai, spec, ok := aiFormat(s)
		if !ok {
			return nil, scanError("GS1 element string: unknown application identifier at %q", clip(s))
		}
		s = s[len(ai):]
		var v string
		if spec.fixed > 0 {
			if len(s) < spec.fixed {
				return nil, scanError("GS1 element string: (%s) needs %d digits, got %q", ai, spec.fixed, s)
			}
			v, s = s[:spec.fixed], strings.TrimPrefix(s[spec.fixed:], gs)
		} else {
			end := strings.Index(s, gs)
			if end < 0 {
				end = len(s)
			}
			v, s = s[:end], strings.TrimPrefix(s[end:], gs)
		}
		c, err := checkField(ai, spec, v)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, scanError("GS1 element string is empty")
	}
	return preferSpecific(out), nil
}

// bracketed parses the human-readable form "(01)…(21)…".
func bracketed(s string) ([]ScanCode, error) {
	var out []ScanCode
	for s != "" {
		if s[0] != '(' {
			return nil, scanError("GS1 element string: expected \"(\" at %q", clip(s))
		}
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return nil, scanError("GS1 element string: \"(\" without \")\"")
		}
		// People type spaces between fields; no GS1 value holds one.
		ai := strings.TrimSpace(s[1:end])
		s = s[end+1:]
		next := strings.IndexByte(s, '(')
		if next < 0 {
			next = len(s)
		}
		v := strings.TrimSpace(s[:next])
		s = s[next:]
		got, spec, ok := aiFormat(ai)
		if !ok || got != ai {
			return nil, scanError("GS1 element string: unknown application identifier (%s)", ai)
		}
		c, err := checkField(ai, spec, v)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return preferSpecific(out), nil
}

// checkField checks one AI's value against its format and check digit.
func checkField(ai string, spec aiSpec, v string) (ScanCode, error) {
	switch {
	case v == "":
		return ScanCode{}, scanError("GS1 (%s) has no value", ai)
	case spec.fixed > 0 && len(v) != spec.fixed:
		return ScanCode{}, scanError("GS1 (%s) %q must have %d digits", ai, v, spec.fixed)
	case spec.max > 0 && len(v) > spec.max:
		return ScanCode{}, scanError("GS1 (%s) %q is longer than %d characters", ai, clip(v), spec.max)
	case spec.numeric && !allDigits(v):
		return ScanCode{}, scanError("GS1 (%s) %q must be digits", ai, v)
	}
	if i := strings.IndexFunc(v, func(r rune) bool { return !inCSet82(r) }); i >= 0 {
		return ScanCode{}, scanError("GS1 (%s) %q has %q, which is not in the GS1 character set (CSET 82)", ai, clip(v), v[i:i+1])
	}
	if len(ai) == 2 && ai[0] == '1' && spec.fixed == 6 {
		if m, d := v[2:4], v[4:6]; m < "01" || m > "12" || d > "31" {
			return ScanCode{}, scanError("GS1 (%s) %s is not a date YYMMDD", ai, v)
		}
	}
	switch ai {
	case "00":
		if !ValidSSCC(v) {
			return ScanCode{}, scanError("SSCC %s has a wrong check digit (want %c)", v, gs1CheckDigit(v[:17]))
		}
	case "01", "02":
		if gs1CheckDigit(v[:13]) != v[13] {
			return ScanCode{}, scanError("GTIN %s has a wrong check digit (want %c)", v, gs1CheckDigit(v[:13]))
		}
	case "410", "411", "412", "413", "414", "415", "416", "417":
		if gs1CheckDigit(v[:12]) != v[12] {
			return ScanCode{}, scanError("GLN %s has a wrong check digit (want %c)", v, gs1CheckDigit(v[:12]))
		}
	}
	return ScanCode{AI: ai, Value: v}, nil
}

// ValidGTIN reports whether s is a GTIN-8, -12, -13 or -14 with a correct
// check digit.
func ValidGTIN(s string) bool {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	return allDigits(s) && gs1CheckDigit(s[:len(s)-1]) == s[len(s)-1]
}

// GTIN14 returns a valid GTIN as 14 digits (zeros in front).
func GTIN14(s string) string { return strings.Repeat("0", 14-len(s)) + s }

// digitalLink parses a GS1 Digital Link URI; ok is false when the path has
// no GS1 primary key (then it is not a Digital Link, and a plain code).
func digitalLink(raw string) (out []ScanCode, err error, ok bool) {
	out, err, ok = digitalLinkCodes(raw)
	if err != nil || !ok {
		return nil, err, ok
	}
	return preferSpecific(out), nil, true
}

// digitalLinkCodes returns every value of a Digital Link's path, the GTIN
// beside the serial or lot too; ok as digitalLink.
func digitalLinkCodes(raw string) (out []ScanCode, err error, ok bool) {
	u, perr := url.Parse(raw)
	if perr != nil {
		return nil, nil, false
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	// The primary key may follow any path prefix: find the first key AI
	// followed by a value.
	start := -1
	for i := 0; i+1 < len(segs); i++ {
		if k := dlAI(segs[i]); k == "01" || k == "00" || k == "8004" || k == "414" || k == "417" {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, nil, false
	}
	segs = segs[start:]
	if len(segs)%2 != 0 {
		return nil, scanError("GS1 Digital Link: %q has an AI without a value", u.Path), true
	}
	for i := 0; i < len(segs); i += 2 {
		ai := dlAI(segs[i])
		v, uerr := url.PathUnescape(segs[i+1])
		if uerr != nil {
			return nil, scanError("GS1 Digital Link: %q is not a valid path segment", segs[i+1]), true
		}
		got, spec, known := aiFormat(ai)
		if !known || got != ai {
			return nil, scanError("GS1 Digital Link: unknown application identifier %q", ai), true
		}
		if ai == "01" && ValidGTIN(v) {
			v = GTIN14(v) // Digital Link allows GTIN-8, -12 and -13 as they are
		}
		c, ferr := checkField(ai, spec, v)
		if ferr != nil {
			return nil, ferr, true
		}
		out = append(out, c)
	}
	return out, nil, true
}

// dlAI returns the application identifier of a Digital Link path segment:
// the digits, or the short name of Digital Link 1.0 (/gtin/…/ser/…).
func dlAI(seg string) string {
	switch seg {
	case "gtin":
		return "01"
	case "sscc":
		return "00"
	case "lot":
		return "10"
	case "ser":
		return "21"
	case "cpv":
		return "22"
	case "giai":
		return "8004"
	case "gln":
		return "414"
	}
	return seg
}

// epcURI parses the EPC pure identity and tag URIs tracegraph can name
// (GS1 EPC Tag Data Standard): SGTIN, SSCC, GIAI and LGTIN, and the SGTIN
// class pattern (urn:epc:idpat:sgtin:CP.IIR.*), which names a product.
func epcURI(raw string) ([]ScanCode, error) {
	k, err := epcKey(raw)
	if err != nil {
		return nil, err
	}
	return []ScanCode{k.scanCode()}, nil
}

// epcKey reads an EPC URI into the GS1 key it names.
func epcKey(raw string) (GS1Key, error) {
	parts := strings.Split(raw, ":")
	if len(parts) != 5 || !strings.EqualFold(parts[0], "urn") || !strings.EqualFold(parts[1], "epc") {
		return GS1Key{}, scanError("EPC URI %q is not urn:epc:id|class|tag:SCHEME:FIELDS", clip(raw))
	}
	kind, scheme := strings.ToLower(parts[2]), strings.ToLower(parts[3])
	fields := strings.Split(parts[4], ".")
	if kind == "tag" {
		// Tag URIs carry the filter value first: drop it, and the bit length.
		if len(fields) < 2 {
			return GS1Key{}, scanError("EPC tag URI %q has too few fields", clip(raw))
		}
		fields = fields[1:]
		if i := strings.IndexByte(scheme, '-'); i > 0 {
			scheme = scheme[:i]
		}
		kind = "id"
	}
	bad := func(want string) (GS1Key, error) {
		return GS1Key{}, scanError("EPC URI %q: %s wants %s", clip(raw), scheme, want)
	}
	unescape := func(s string) (string, error) {
		v, err := url.PathUnescape(s)
		if err != nil || v == "" {
			return "", scanError("EPC URI %q: %q is not a valid value", clip(raw), s)
		}
		return v, nil
	}
	switch {
	case kind == "id" && scheme == "sgtin", kind == "class" && scheme == "lgtin", kind == "idpat" && scheme == "sgtin":
		if len(fields) != 3 || !allDigits(fields[0]) || !allDigits(fields[1]) || len(fields[0])+len(fields[1]) != 13 || len(fields[1]) < 1 {
			return bad("CompanyPrefix.IndicatorAndItemReference.Serial, 13 digits before the serial")
		}
		// The GTIN (indicator, company prefix, item reference, check digit)
		// names the product; the serial or lot names the thing.
		body := fields[1][:1] + fields[0] + fields[1][1:]
		k := GS1Key{Scheme: KeySGTIN, GTIN: body + string(gs1CheckDigit(body))}
		if kind == "idpat" {
			if fields[2] != "*" {
				return bad("CompanyPrefix.IndicatorAndItemReference.* (a pattern of a whole product)")
			}
			k.Scheme = KeyGTIN
			return k, nil
		}
		v, err := unescape(fields[2])
		if err != nil {
			return GS1Key{}, err
		}
		if scheme == "lgtin" {
			k.Scheme = KeyLGTIN
		}
		k.Value = v
		return k, nil
	case kind == "id" && scheme == "sscc":
		if len(fields) != 2 || !allDigits(fields[0]) || !allDigits(fields[1]) || len(fields[0])+len(fields[1]) != 17 {
			return bad("CompanyPrefix.SerialReference, 17 digits in all")
		}
		body := fields[1][:1] + fields[0] + fields[1][1:]
		return GS1Key{Scheme: KeySSCC, Value: body + string(gs1CheckDigit(body))}, nil
	case kind == "id" && scheme == "giai":
		if len(fields) != 2 || !allDigits(fields[0]) {
			return bad("CompanyPrefix.IndividualAssetReference")
		}
		ref, err := unescape(fields[1])
		if err != nil {
			return GS1Key{}, err
		}
		return GS1Key{Scheme: KeyGIAI, Value: fields[0] + ref}, nil
	}
	return GS1Key{}, scanError("EPC URI %q: tracegraph reads sgtin, sscc, giai and lgtin", clip(raw))
}

// inCSet82 reports whether r is in GS1 AI encodable character set 82: the
// printable ASCII characters but space, #, $, @, [, \, ], ^, `, {, |, }, ~.
func inCSet82(r rune) bool {
	return r > ' ' && r < 0x7f && !strings.ContainsRune("#$@[\\]^`{|}~", r)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clip shortens s for an error message and shows control characters.
func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// identifying reports whether a value with this AI names a thing or a
// product (dates, counts, variants and countries do not).
func identifying(ai string) bool {
	switch ai {
	case "00", "01", "02", "10", "21", "235", "250", "400", "401", "414", "417", "8003", "8004":
		return true
	}
	return false
}

// preferSpecific keeps the identifying values, and drops the GTIN when a
// serial, lot, SSCC or GIAI names the item more precisely: the GTIN names
// a product, not this one. A serial, lot or third-party serial that came
// with a GTIN keeps it (ScanCode.GTIN): the item must be of that product.
func preferSpecific(in []ScanCode) []ScanCode {
	specific, gtin := false, ""
	for _, c := range in {
		if c.AI == "21" || c.AI == "10" || c.AI == "00" || c.AI == "8004" || c.AI == "235" {
			specific = true
		}
		if c.AI == "01" {
			gtin = c.Value
		}
	}
	out := in[:0:0]
	for _, c := range in {
		if identifying(c.AI) && !(specific && (c.AI == "01" || c.AI == "02")) {
			if c.AI == "21" || c.AI == "10" || c.AI == "235" {
				c.GTIN = gtin
			}
			out = append(out, c)
		}
	}
	return out
}
