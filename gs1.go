package tracegraph

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
	// GTIN is the GTIN (14 digits) a serial or lot came with, "" when none:
	// the item named must be of that product (MatchesGTIN).
	GTIN string
}

// MatchesGTIN reports whether n can be the item a code that came with gtin
// names: its own GTIN (an additional number) or else the GTIN of its
// product (product: the Product of its part number, nil when none) is gtin,
// or neither is known. A serial scanned with another product's GTIN names
// nothing.
func MatchesGTIN(n, product *Node, gtin string) bool {
	if gtin == "" {
		return true
	}
	if ids, ok := n.Props["identifiers"].(map[string]any); ok {
		if g, _ := ids[SchemeGTIN].(string); g != "" {
			return g == gtin
		}
	}
	if product != nil {
		if g := product.Str("gtin"); g != "" {
			return g == gtin
		}
	}
	return true
}

// LookupCandidate is a node a scanned code may name, with the GTIN the
// code came with ("" when none): the node is the code's only when it
// MatchesGTIN.
type LookupCandidate struct {
	ID   ID
	GTIN string
}

// LookupCandidates returns, in order, the nodes a scan may name, what every
// store's Graph.Lookup reads: for each code ParseScan finds, a global ID as
// it is; else its key under each label its AI allows (any label without
// one); then the owners of the identifiers with its value in any of its
// forms (IdentifierOwnersOf, with owners the store's identifier index). A
// node may come more than once, from several codes.
func LookupCandidates(code string, owners func(value string) ([]Identifier, error)) ([]LookupCandidate, error) {
	codes, err := ParseScan(code)
	if err != nil {
		return nil, err
	}
	var out []LookupCandidate
	for _, c := range codes {
		if c.Value == "" {
			continue
		}
		if LooksLikeID(c.Value) {
			out = append(out, LookupCandidate{ID(c.Value), c.GTIN})
			continue
		}
		if CheckKey(c.Value) == nil {
			labels := LabelsForAI(c.AI)
			if labels == nil {
				labels = Labels
			}
			for _, l := range labels {
				out = append(out, LookupCandidate{NewID(l, c.Value), c.GTIN})
			}
		}
		idents, err := IdentifierOwnersOf(c.Value, owners)
		if err != nil {
			return nil, err
		}
		for _, o := range idents {
			out = append(out, LookupCandidate{o.Node, c.GTIN})
		}
	}
	return out, nil
}

// ProductOf returns the ID of the Product of n's part number, "" when n has
// no part number that can name one.
func ProductOf(n *Node) ID {
	pn := n.Str("partNumber")
	if pn == "" || CheckKey(pn) != nil {
		return ""
	}
	return ProductID(pn)
}

// LabelsForAI returns the labels a value with this application identifier can
// name; nil means any.
func LabelsForAI(ai string) []Label {
	switch ai {
	case "00":
		return []Label{LabelBox, LabelPallet}
	case "10":
		return []Label{LabelMaterialLot}
	case "21", "235", "8004":
		return []Label{LabelUnit, LabelComponent}
	}
	return nil
}

// GS1CheckDigit returns the GS1 mod-10 check digit of the digits in s (the
// digits of a GTIN, SSCC or GLN without their check digit).
func GS1CheckDigit(s string) byte { return gs1CheckDigit(s) }
