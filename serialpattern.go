package tracegraph

import (
	"strconv"
	"strings"
	"time"
)

// A serial-number pattern is literal text and placeholders in braces:
//
//	{yy}, {yyyy}  the year, 2 or 4 digits
//	{ww}          the ISO 8601 week, 01 to 53
//	{site}        the scheme's site code
//	{seq:N}       the sequence number, zero-padded to N digits (1 ≤ N ≤ 15);
//	              exactly one
//	{luhn}        a Luhn check digit,
//	{mod10}       a GS1 mod-10 check digit (weights 3 and 1 from the right),
//	{mod11}       an ISO 7064 MOD 11-2 check character (0-9 or X);
//	              at most one check character, last in the pattern, computed
//	              over the digits before it (letters are not part of it)
//
// Literal text is letters, digits and - _ . /; e.g. MT{yy}{ww}{seq:6}{luhn}
// gives MT2648000001 plus its check digit. The date parts are evaluated at
// allocation time in UTC; with {ww}, {yy} and {yyyy} are the ISO week-year,
// so that 1 January 2027 (week 53 of 2026) gives 2653, not 2753.

// Limits on serial-number patterns.
const (
	MaxSerialPatternLen = 100
	MaxSerialLen        = 64
	MaxSeqDigits        = 15 // sequences stay exact in a float64 property
	MaxSiteLen          = 8
)

// The check characters a pattern may end with.
const (
	CheckLuhn  = "luhn"
	CheckMod10 = "mod10"
	CheckMod11 = "mod11"
)

type patternKind uint8

const (
	partLiteral patternKind = iota
	partYY
	partYYYY
	partWW
	partSite
	partSeq
	partCheck
)

type patternPart struct {
	kind  patternKind
	text  string // literal text, site code or check algorithm
	width int
}

// SerialPattern is a parsed serial-number pattern with its site code.
// Every part has a fixed width, so a serial has one length and its parts
// one place each.
type SerialPattern struct {
	Pattern string
	Site    string
	parts   []patternPart
	seq     int // digits of {seq:N}
	length  int
}

// ParseSerialPattern checks pattern (with the scheme's site code, which
// {site} stands for) and returns it parsed. Errors are INVALID on field
// "pattern" or "site", saying what is wrong.
func ParseSerialPattern(pattern, site string) (*SerialPattern, *Error) {
	bad := func(format string, args ...any) (*SerialPattern, *Error) {
		return nil, Errorf(CodeInvalid, "pattern", "pattern %q: "+format, append([]any{pattern}, args...)...)
	}
	if pattern == "" {
		return nil, Errorf(CodeInvalid, "pattern", "pattern is required, e.g. MT{yy}{ww}{seq:6}{luhn}")
	}
	if len(pattern) > MaxSerialPatternLen {
		return bad("longer than %d bytes", MaxSerialPatternLen)
	}
	if site != "" && (len(site) > MaxSiteLen || !all(site, isAlnum)) {
		return nil, Errorf(CodeInvalid, "site", "site %q must be 1 to %d letters or digits", site, MaxSiteLen)
	}
	p := &SerialPattern{Pattern: pattern, Site: site}
	usesSite := false
	for s := pattern; s != ""; {
		if len(p.parts) > 0 && p.parts[len(p.parts)-1].kind == partCheck {
			return bad("the check character must be last")
		}
		if s[0] == '}' {
			return bad("\"}\" without \"{\"")
		}
		if s[0] != '{' {
			n := strings.IndexAny(s, "{}")
			if n < 0 {
				n = len(s)
			}
			lit := s[:n]
			if !all(lit, isSerialLiteral) {
				return bad("literal text %q may hold only letters, digits and - _ . /", lit)
			}
			p.parts = append(p.parts, patternPart{kind: partLiteral, text: lit, width: len(lit)})
			s = s[n:]
			continue
		}
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return bad("\"{\" without \"}\"")
		}
		name := s[1:end]
		s = s[end+1:]
		switch {
		case name == "yy":
			p.parts = append(p.parts, patternPart{kind: partYY, width: 2})
		case name == "yyyy":
			p.parts = append(p.parts, patternPart{kind: partYYYY, width: 4})
		case name == "ww":
			p.parts = append(p.parts, patternPart{kind: partWW, width: 2})
		case name == "site":
			if site == "" {
				return nil, Errorf(CodeInvalid, "site", "pattern %q has {site}: the scheme needs a site code", pattern)
			}
			usesSite = true
			p.parts = append(p.parts, patternPart{kind: partSite, text: site, width: len(site)})
		case strings.HasPrefix(name, "seq:"):
			n, err := strconv.Atoi(name[4:])
			if err != nil || n < 1 || n > MaxSeqDigits || name[4] == '0' || name[4] == '+' {
				return bad("{%s}: the sequence's width must be a number from 1 to %d, e.g. {seq:6}", name, MaxSeqDigits)
			}
			if p.seq > 0 {
				return bad("has two {seq:N}; it needs exactly one")
			}
			p.seq = n
			p.parts = append(p.parts, patternPart{kind: partSeq, width: n})
		case name == CheckLuhn, name == CheckMod10, name == CheckMod11:
			p.parts = append(p.parts, patternPart{kind: partCheck, text: name, width: 1})
		default:
			return bad("unknown placeholder {%s} (want {yy}, {yyyy}, {ww}, {site}, {seq:N}, {luhn}, {mod10} or {mod11})", name)
		}
	}
	if p.seq == 0 {
		return bad("has no {seq:N}: a pattern needs exactly one sequence, e.g. {seq:6}")
	}
	if site != "" && !usesSite {
		return nil, Errorf(CodeInvalid, "site", "site %q is given but pattern %q has no {site}", site, pattern)
	}
	for _, pt := range p.parts {
		p.length += pt.width
	}
	if p.length > MaxSerialLen {
		return bad("makes serials of %d characters; at most %d", p.length, MaxSerialLen)
	}
	return p, nil
}

func isAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isSerialLiteral(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '/' }

// MaxSeq is the largest sequence number the pattern can write.
func (p *SerialPattern) MaxSeq() uint64 {
	m := uint64(1)
	for range p.seq {
		m *= 10
	}
	return m - 1
}

// Stamp returns the date parts of the pattern at t (UTC), concatenated: the
// part of a serial that says when it was allocated ("" without date parts).
func (p *SerialPattern) Stamp(t time.Time) string {
	var b strings.Builder
	for _, pt := range p.parts {
		if v, ok := p.datePart(pt.kind, t); ok {
			b.WriteString(v)
		}
	}
	return b.String()
}

func (p *SerialPattern) datePart(k patternKind, t time.Time) (string, bool) {
	t = t.UTC()
	year, week := t.Year(), 0
	if p.hasWeek() {
		year, week = t.ISOWeek()
	}
	switch k {
	case partYY:
		return pad2(year % 100), true
	case partYYYY:
		return strconv.Itoa(year), true
	case partWW:
		return pad2(week), true
	}
	return "", false
}

func (p *SerialPattern) hasWeek() bool {
	for _, pt := range p.parts {
		if pt.kind == partWW {
			return true
		}
	}
	return false
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Render returns the serial with sequence number seq allocated at t. seq
// must be from 0 to MaxSeq.
func (p *SerialPattern) Render(t time.Time, seq uint64) string {
	var b strings.Builder
	b.Grow(p.length)
	for _, pt := range p.parts {
		switch pt.kind {
		case partLiteral, partSite:
			b.WriteString(pt.text)
		case partSeq:
			s := strconv.FormatUint(seq, 10)
			b.WriteString(strings.Repeat("0", pt.width-len(s)))
			b.WriteString(s)
		case partCheck:
			b.WriteByte(checkChar(pt.text, b.String()))
		default:
			v, _ := p.datePart(pt.kind, t)
			b.WriteString(v)
		}
	}
	return b.String()
}

// Match reads serial as written by the pattern: its sequence number and its
// stamp (Stamp at its allocation time). ok is false when serial does not
// have the pattern's form, its week is not 01 to 53, or its check character
// is wrong.
func (p *SerialPattern) Match(serial string) (seq uint64, stamp string, ok bool) {
	if len(serial) != p.length {
		return 0, "", false
	}
	var st strings.Builder
	at := 0
	for _, pt := range p.parts {
		v := serial[at : at+pt.width]
		switch pt.kind {
		case partLiteral, partSite:
			if v != pt.text {
				return 0, "", false
			}
		case partSeq:
			if !allDigits(v) {
				return 0, "", false
			}
			seq, _ = strconv.ParseUint(v, 10, 64)
		case partCheck:
			if v[0] != checkChar(pt.text, serial[:at]) {
				return 0, "", false
			}
		default:
			if !allDigits(v) {
				return 0, "", false
			}
			if pt.kind == partWW {
				if w, _ := strconv.Atoi(v); w < 1 || w > 53 {
					return 0, "", false
				}
			}
			st.WriteString(v)
		}
		at += pt.width
	}
	return seq, st.String(), true
}

// checkChar computes the check character alg over the digits of s.
func checkChar(alg, s string) byte {
	var digits []byte
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			digits = append(digits, s[i])
		}
	}
	switch alg {
	case CheckLuhn:
		return LuhnDigit(string(digits))
	case CheckMod10:
		return gs1CheckDigit(string(digits))
	}
	return mod11_2(string(digits))
}

// LuhnDigit returns the Luhn check digit of the decimal digits in s (an
// IMEI's, a {luhn} serial's): the digit next to the check digit is doubled.
func LuhnDigit(s string) byte {
	sum := 0
	double := true
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// mod11_2 returns the ISO 7064 MOD 11-2 check character of the decimal
// digits in s: '0' to '9', or 'X' for 10.
func mod11_2(s string) byte {
	p := 0
	for i := 0; i < len(s); i++ {
		p = (p + int(s[i]-'0')) * 2 % 11
	}
	c := (12 - p%11) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}
