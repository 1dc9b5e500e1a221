package label

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/label/labeltest"
)

// wantDecoded is what a decoder reports for a label: dmtxread's GS1 mode
// puts GS for the leading FNC1 too.
func wantDecoded(c *tracegraph.LabelContent) string {
	if c.URI == "" && c.TwoD() {
		return "\x1d" + c.Decoded()
	}
	return c.Decoded()
}

func unitContent(es tracegraph.ElementString, uri string) *tracegraph.LabelContent {
	return &tracegraph.LabelContent{ID: tracegraph.ID("Unit:" + es.Get("21")), Kind: tracegraph.LabelKindUnit, Elements: es, URI: uri,
		Lines: []tracegraph.LabelLine{{Name: "Serial", Value: es.Get("21")}, {Name: "Part number", Value: "900-A100"}, {Name: "Revision", Value: "R1B"}}}
}

func containerContent(kind, key, sscc string) *tracegraph.LabelContent {
	return &tracegraph.LabelContent{ID: tracegraph.ID("Pallet:" + key), Kind: kind, Elements: tracegraph.ElementString{{AI: "00", Value: sscc}},
		Lines: []tracegraph.LabelLine{{Name: "Pallet", Value: key}, {Name: "SSCC", Value: sscc}, {Name: "Contents", Value: "40 boxes"}}}
}

func TestDecodedByRealDecoders(t *testing.T) {
	const gtin = "09506000134352"
	tests := []struct {
		name string
		c    *tracegraph.LabelContent
		want string // what the decoder reports
	}{
		{"unit element string", unitContent(tracegraph.ElementString{{AI: "01", Value: gtin}, {AI: "21", Value: "SN-0001"}}, ""),
			"\x1d0109506000134352" + "21SN-0001"},
		{"unit with date and lot: GS after the serial only", unitContent(tracegraph.ElementString{{AI: "01", Value: gtin}, {AI: "11", Value: "260105"},
			{AI: "21", Value: "SN-0001"}, {AI: "10", Value: "WO-17"}}, ""),
			"\x1d0109506000134352" + "11260105" + "21SN-0001\x1d" + "10WO-17"},
		{"unit serial of odd characters and digits", unitContent(tracegraph.ElementString{{AI: "01", Value: gtin}, {AI: "21", Value: "12345%&/x:y;z<>?_"}}, ""),
			"\x1d010950600013435221" + "12345%&/x:y;z<>?_"},
		{"unit Digital Link", unitContent(tracegraph.ElementString{{AI: "01", Value: gtin}, {AI: "21", Value: "SN-0001"}},
			"https://id.example.com/01/09506000134352/21/SN-0001"), "https://id.example.com/01/09506000134352/21/SN-0001"},
		{"pallet SSCC", containerContent(tracegraph.LabelKindPallet, "PAL000001", "340123450000000017"), "00340123450000000017"},
		{"box SSCC", containerContent(tracegraph.LabelKindBox, "BOX0000001", "040123460000000015"), "00040123460000000015"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		if got := wantDecoded(tt.c); got != tt.want {
			t.Fatalf("%s: the content decodes to %q by its own account, the test expects %q", tt.name, got, tt.want)
		}
		for _, f := range []Format{PNG, PDF, SVG} {
			t.Run(tt.name+"/"+string(f), func(t *testing.T) {
				file := filepath.Join(dir, strings.NewReplacer(" ", "-", ":", "").Replace(tt.name)+"."+string(f))
				var buf bytes.Buffer
				if err := Render(&buf, tt.c, f); err != nil {
					t.Fatalf("Render(%s): %v", f, err)
				}
				if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				if got := labeltest.Decode(t, file, tt.c.TwoD()); got != tt.want {
					t.Errorf("decoded %s = %q, want %q", f, got, tt.want)
				}
			})
		}
	}
}
