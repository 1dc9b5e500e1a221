package tracegraph

import (
	"net/url"
	"strings"
)

// ValidSSCC reports whether s is an 18-digit GS1 Serial Shipping Container
// Code with a correct check digit.
func ValidSSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 18; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return gs1CheckDigit(s[:17]) == s[17]
}

// gs1CheckDigit computes the GS1 mod-10 check digit of the digits in s.
func gs1CheckDigit(s string) byte {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// SSCCFor returns the SSCC with extension digit ext (0–9), the company prefix
// and serial digits in body (16 digits), and the computed check digit.
func SSCCFor(ext byte, body string) string {
	s := string(rune('0'+ext)) + body
	return s + string(gs1CheckDigit(s))
}

// ScanCode is one thing a scanned or typed code may name.
type ScanCode struct {
	// AI is the GS1 application identifier the value came with ("" for a plain code):
	// "00" SSCC, "01" GTIN, "10" lot, "21" serial.
	AI    string
	Value string
}

// ParseScan splits what a person scans or types into the codes to look up. A
// GS1 Digital Link URI (https://host/01/GTIN/21/SERIAL) and a GS1 element
// string ((01)GTIN(21)SERIAL) yield their lot, serial and SSCC values; any
// other input is one plain code.
func ParseScan(code string) []ScanCode {
	code = strings.TrimSpace(code)
	if strings.HasPrefix(code, "http://") || strings.HasPrefix(code, "https://") {
		if u, err := url.Parse(code); err == nil {
			if out := digitalLinkPath(u.EscapedPath()); len(out) > 0 {
				return out
			}
		}
	}
	if strings.HasPrefix(code, "(") {
		if out := elementString(code); len(out) > 0 {
			return out
		}
	}
	return []ScanCode{{Value: code}}
}

var gs1AIs = map[string]bool{"00": true, "01": true, "10": true, "21": true, "22": true, "235": true, "8004": true, "414": true, "417": true}

func digitalLinkPath(p string) []ScanCode {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	var out []ScanCode
	for i := 0; i+1 < len(segs); i++ {
		if !gs1AIs[segs[i]] {
			continue
		}
		v, err := url.PathUnescape(segs[i+1])
		if err != nil || v == "" {
			continue
		}
		out = append(out, ScanCode{AI: segs[i], Value: v})
		i++
	}
	return preferSpecific(out)
}

func elementString(s string) []ScanCode {
	var out []ScanCode
	for len(s) > 0 && s[0] == '(' {
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return nil
		}
		ai := s[1:end]
		s = s[end+1:]
		next := strings.IndexByte(s, '(')
		if next < 0 {
			next = len(s)
		}
		if v := s[:next]; v != "" {
			out = append(out, ScanCode{AI: ai, Value: v})
		}
		s = s[next:]
	}
	return preferSpecific(out)
}

// preferSpecific drops the GTIN when a serial or lot names the item more
// precisely: the GTIN names a product, not this one.
func preferSpecific(in []ScanCode) []ScanCode {
	specific := false
	for _, c := range in {
		if c.AI == "21" || c.AI == "10" || c.AI == "00" || c.AI == "8004" {
			specific = true
		}
	}
	if !specific {
		return in
	}
	out := in[:0:0]
	for _, c := range in {
		if c.AI != "01" {
			out = append(out, c)
		}
	}
	return out
}

// LabelsForAI returns the labels a value with this application identifier can
// name; nil means any.
func LabelsForAI(ai string) []Label {
	switch ai {
	case "00":
		return []Label{LabelBox, LabelPallet}
	case "10":
		return []Label{LabelMaterialLot}
	case "21", "8004":
		return []Label{LabelUnit, LabelComponent}
	}
	return nil
}
