package tracegraph

import (
	"context"
	"fmt"
)

// GS1CanonicalBase is the host of canonical GS1 Digital Link URIs, the form
// EPCIS 2.0 names GS1-identified things in (whatever host a company's own
// labels use, https://id.gs1.org/01/…/21/… is the same thing everywhere).
const GS1CanonicalBase = "https://id.gs1.org"

// GS1Name returns the canonical GS1 Digital Link URI that names n in GS1
// terms, or "" when it has no GS1 key:
//   - a unit or serialized component: (01) its GTIN (its part number's
//     product's, else its own GTIN identifier) and (21) its serial;
//   - a material lot: (01) its part number's product's GTIN and (10) its
//     lot number;
//   - a box or pallet packed with an SSCC: (00) the SSCC.
//
// gtinOf gives a part number's GTIN ("" when it has none). A key that
// cannot be a GS1 value (longer than the AI allows, or outside character
// set 82) has no GS1 name: it is named as tracegraph names it.
func GS1Name(ctx context.Context, n *Node, gtinOf func(ctx context.Context, partNumber string) (string, error)) (string, error) {
	var es ElementString
	switch n.Label {
	case LabelUnit, LabelComponent:
		gtin, err := unitGTIN(ctx, n, gtinOf)
		if err != nil || gtin == "" {
			return "", err
		}
		es = ElementString{{AI: "01", Value: gtin}, {AI: "21", Value: n.Key()}}
	case LabelMaterialLot:
		gtin, err := gtinOf(ctx, n.Str("partNumber"))
		if err != nil {
			return "", fmt.Errorf("GS1 name of %s: %w", n.ID, err)
		}
		if gtin == "" {
			return "", nil
		}
		es = ElementString{{AI: "01", Value: GTIN14(gtin)}, {AI: "10", Value: n.Key()}}
	case LabelBox, LabelPallet:
		sscc := n.Str("sscc")
		if sscc == "" {
			return "", nil
		}
		es = ElementString{{AI: "00", Value: sscc}}
	default:
		return "", nil
	}
	if es.Validate() != nil {
		return "", nil
	}
	return es.DigitalLink(GS1CanonicalBase)
}
