package tracegraph

import "testing"

// TestParseScanGS1Examples reads the examples of the GS1 General
// Specifications (element strings, GS1-128, DataMatrix, DataBar, QR), the
// GS1 Digital Link URI Syntax and the EPC Tag Data Standard, in every form
// a scanner or a person sends them.
func TestParseScanGS1Examples(t *testing.T) {
	const (
		gtin = "09501101530003" // GS1 General Specifications' example GTIN
		dl   = "09521234543213" // GS1 Digital Link's example GTIN
		sscc = "106141411234567897"
	)
	tests := []struct {
		name, in string
		want     []ScanCode
	}{
		// Element strings: bracketed (as printed under a barcode), typed with
		// spaces, and raw with GS for FNC1 after variable-length fields.
		{"HRI GTIN, expiry, batch", "(01)" + gtin + "(17)140704(10)AB-123", []ScanCode{{AI: "10", Value: "AB-123", GTIN: gtin}}},
		{"HRI typed with spaces", "(01) " + gtin + " (17) 140704 (10) AB-123", []ScanCode{{AI: "10", Value: "AB-123", GTIN: gtin}}},
		{"HRI GTIN and serial", "(01)" + dl + "(21)12345", []ScanCode{{AI: "21", Value: "12345", GTIN: dl}}},
		{"HRI with a measure AI", "(01)" + gtin + "(3103)000189(21)S1", []ScanCode{{AI: "21", Value: "S1", GTIN: gtin}}},
		{"GS1-128 of the example", "]C101" + gtin + "17140704" + "10AB-123", []ScanCode{{AI: "10", Value: "AB-123", GTIN: gtin}}},
		{"GS1-128 serial then batch", "]C101" + gtin + "21SN-1\x1d10AB-123",
			[]ScanCode{{AI: "21", Value: "SN-1", GTIN: gtin}, {AI: "10", Value: "AB-123", GTIN: gtin}}},
		{"GS1-128 SSCC", "]C100" + sscc, []ScanCode{{AI: "00", Value: sscc}}},
		{"GS1 DataMatrix, FNC1 first", "]d2\x1d01" + dl + "10ABC123\x1d21" + "12345",
			[]ScanCode{{AI: "10", Value: "ABC123", GTIN: dl}, {AI: "21", Value: "12345", GTIN: dl}}},
		{"GS1 DataMatrix, trailing GS", "]d201" + dl + "21" + "12345\x1d", []ScanCode{{AI: "21", Value: "12345", GTIN: dl}}},
		{"GS1 QR Code", "]Q301" + dl + "21" + "12345", []ScanCode{{AI: "21", Value: "12345", GTIN: dl}}},
		{"GS1 DataBar Expanded with weight", "]e001" + gtin + "3103000189" + "15140704", []ScanCode{{AI: "01", Value: gtin}}},
		{"GS1 DotCode", "]J101" + gtin + "21A1", []ScanCode{{AI: "21", Value: "A1", GTIN: gtin}}},
		{"raw without AIM or GS", "01" + gtin + "21" + "SN9", []ScanCode{{AI: "21", Value: "SN9", GTIN: gtin}}},
		{"raw SSCC and count without AIM", "00" + sscc + "37" + "20", []ScanCode{{AI: "00", Value: sscc}}},
		// Bare keys are identifiers as they are (looked up as typed).
		{"bare SSCC", sscc, []ScanCode{{Value: sscc}}},
		{"bare GTIN", gtin, []ScanCode{{Value: gtin}}},
		{"serial that starts like AI 01", "01SN-77", []ScanCode{{Value: "01SN-77"}}},
		// GS1 Digital Link URIs on any domain, any case of scheme and host,
		// with or without path prefix, query string and fragment.
		{"DL GTIN", "https://id.gs1.org/01/" + dl, []ScanCode{{AI: "01", Value: dl}}},
		{"DL batch and serial", "https://id.gs1.org/01/" + dl + "/10/ABC123/21/12345",
			[]ScanCode{{AI: "10", Value: "ABC123", GTIN: dl}, {AI: "21", Value: "12345", GTIN: dl}}},
		{"DL with attributes", "https://id.gs1.org/01/" + dl + "/10/ABC123?17=261231", []ScanCode{{AI: "10", Value: "ABC123", GTIN: dl}}},
		{"DL SSCC", "https://id.gs1.org/00/" + sscc, []ScanCode{{AI: "00", Value: sscc}}},
		{"DL brand domain and path", "https://example.com/products/01/" + dl, []ScanCode{{AI: "01", Value: dl}}},
		{"DL upper-case scheme and host", "HTTPS://ID.GS1.ORG/01/" + dl + "/21/12345", []ScanCode{{AI: "21", Value: "12345", GTIN: dl}}},
		{"DL http and a fragment", "http://example.org/01/" + dl + "/21/12345#top", []ScanCode{{AI: "21", Value: "12345", GTIN: dl}}},
		{"DL percent-encoded", "https://example.com/01/" + dl + "/22/ABC%2d123/10/XYZ%2F987",
			[]ScanCode{{AI: "10", Value: "XYZ/987", GTIN: dl}}},
		{"DL GTIN-12", "https://example.com/01/036000291452/21/7", []ScanCode{{AI: "21", Value: "7", GTIN: "00036000291452"}}},
		{"DL 1.0 short names", "https://example.com/gtin/" + dl + "/ser/12345", []ScanCode{{AI: "21", Value: "12345", GTIN: dl}}},
		{"DL in a plain QR", "]Q1https://example.com/01/" + dl + "/21/12345", []ScanCode{{AI: "21", Value: "12345", GTIN: dl}}},
		// EPC URIs (Tag Data Standard), any case of the URN prefix.
		{"EPC SGTIN", "urn:epc:id:sgtin:0614141.812345.12345", []ScanCode{{AI: "21", Value: "12345", GTIN: "80614141123458"}}},
		{"EPC SGTIN upper case", "URN:EPC:ID:SGTIN:0614141.812345.12345", []ScanCode{{AI: "21", Value: "12345", GTIN: "80614141123458"}}},
		{"EPC SGTIN-96 tag", "urn:epc:tag:sgtin-96:1.0614141.812345.12345", []ScanCode{{AI: "21", Value: "12345", GTIN: "80614141123458"}}},
		{"EPC SSCC", "urn:epc:id:sscc:0614141.1123456789", []ScanCode{{AI: "00", Value: sscc}}},
		{"EPC LGTIN", "urn:epc:class:lgtin:4012345.012345.998877", []ScanCode{{AI: "10", Value: "998877", GTIN: "04012345123456"}}},
		// What parses but names nothing tracegraph keeps.
		{"expiry only", "(17)261231", []ScanCode{}},
		{"weight only", "]e03103000189", []ScanCode{}},
	}
	checkScans(t, tests)
}

// TestParseScanGS1Refuses: the check digits, lengths, dates and character
// set of the GS1 General Specifications are checked, and the answer says
// what is wrong.
func TestParseScanGS1Refuses(t *testing.T) {
	tests := []struct{ in, why string }{
		{"(01)09501101530004(21)X", "GTIN 09501101530004 has a wrong check digit (want 3)"},
		{"]C100106141411234567898", "SSCC 106141411234567898 has a wrong check digit"},
		{"]d20109501101530004" + "21X", "wrong check digit"},
		{"https://id.gs1.org/01/09521234543214", "wrong check digit"},
		{"https://id.gs1.org/00/106141411234567890", "SSCC 106141411234567890 has a wrong check digit"},
		{"(17)261331(10)X", "not a date YYMMDD"},
		{"(21)SN 1", "not in the GS1 character set"},
		{"]d201" + "09501101530003" + "21SN#1", "\"#\", which is not in the GS1 character set"},
		{"(3103)00018(21)X", "must have 6 digits"},
		{"]e001" + "09501101530003" + "3103001", "(3103) needs 6 digits"},
		{"(01)09501101530003(21)", "has no value"},
		{"https://example.com/gtin/09521234543213/ser", "an AI without a value"},
		{"urn:epc:id:sgtin:0614141.812345", "wants CompanyPrefix.IndicatorAndItemReference.Serial"},
	}
	checkRefusals(t, tests)
}
