package tracegraph

// The GS1 keys an EPC URI or a GS1 Digital Link URI can name (GS1Key.Scheme).
const (
	KeySGTIN = "sgtin" // one serialized item: GTIN and serial
	KeyLGTIN = "lgtin" // a lot (batch) of a product: GTIN and lot
	KeyGTIN  = "gtin"  // a whole product, no serial or lot (urn:epc:idpat:sgtin:…*)
	KeySSCC  = "sscc"  // a logistic unit (box, pallet)
	KeyGIAI  = "giai"  // an individual asset
)

// GS1Key is what an EPC URI or a GS1 Digital Link URI names: the scheme,
// the product's GTIN (14 digits) for sgtin, lgtin and gtin, and the value
// that names the thing: the serial, the lot, the 18-digit SSCC or the GIAI
// ("" for gtin).
type GS1Key struct {
	Scheme string
	GTIN   string
	Value  string
}

// ParseGS1Key reads an EPC pure identity, class, pattern or tag URI
// (urn:epc:…) or a GS1 Digital Link URI into the key it names, with the
// rules of ParseScan. ok is false when uri is neither (a URI of another
// kind: the caller decides what it names); err is INVALID (field "code")
// when it is one of them and does not parse.
func ParseGS1Key(uri string) (k GS1Key, ok bool, err error) {
	switch {
	case hasPrefixFold(uri, "urn:epc:"):
		k, err = epcKey(uri)
		return k, true, err
	case hasPrefixFold(uri, "http://") || hasPrefixFold(uri, "https://"):
		codes, err, ok := digitalLinkCodes(uri)
		if !ok || err != nil {
			return GS1Key{}, ok, err
		}
		for _, c := range codes {
			switch c.AI {
			case "01":
				k.GTIN = c.Value
			case "21":
				k.Scheme, k.Value = KeySGTIN, c.Value
			case "10":
				if k.Scheme == "" {
					k.Scheme, k.Value = KeyLGTIN, c.Value
				}
			case "00":
				k.Scheme, k.Value = KeySSCC, c.Value
			case "8004":
				k.Scheme, k.Value = KeyGIAI, c.Value
			}
		}
		if k.Scheme == "" && k.GTIN != "" {
			k.Scheme = KeyGTIN
		}
		if k.Scheme == "" {
			return GS1Key{}, true, scanError("GS1 Digital Link %q names no GTIN, serial, lot, SSCC or GIAI", clip(uri))
		}
		if (k.Scheme == KeySGTIN || k.Scheme == KeyLGTIN) && k.GTIN == "" {
			return GS1Key{}, true, scanError("GS1 Digital Link %q has a serial or lot without its GTIN (01)", clip(uri))
		}
		return k, true, nil
	}
	return GS1Key{}, false, nil
}

// scanCode is the code a scan of the key looks up.
func (k GS1Key) scanCode() ScanCode {
	switch k.Scheme {
	case KeySGTIN:
		return ScanCode{AI: "21", Value: k.Value, GTIN: k.GTIN}
	case KeyLGTIN:
		return ScanCode{AI: "10", Value: k.Value, GTIN: k.GTIN}
	case KeySSCC:
		return ScanCode{AI: "00", Value: k.Value}
	case KeyGIAI:
		return ScanCode{AI: "8004", Value: k.Value}
	}
	return ScanCode{AI: "01", Value: k.GTIN}
}
