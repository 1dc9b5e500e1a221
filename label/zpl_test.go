package label

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
)

func TestZPL(t *testing.T) {
	const gtin = "09506000134352"
	tests := []struct {
		name string
		c    *tracegraph.LabelContent
		want []string // commands the format must contain, in this order
		not  []string
	}{
		{"unit: Data Matrix with FNC1 as #1, separators too", unitContent(tracegraph.ElementString{{AI: "01", Value: gtin}, {AI: "21", Value: "SN-0001"}, {AI: "10", Value: "WO^1"}}, ""),
			[]string{"^XA", "^CI28", "^PW", "^LL", "^BXN,4,200,", ",6,#,1^FH\\^FD#10109506000134352" + "21SN-0001#110WO\\5E1^FS",
				"^A0N", "^FD" + "SN-0001^FS", "^FDPart number: 900-A100^FS", "^FDRevision: R1B^FS", "^FD(01)09506000134352(21)SN-0001(10)WO\\5E1^FS", "^XZ"},
			[]string{"^BC"}},
		{"unit: Digital Link, no FNC1", unitContent(tracegraph.ElementString{{AI: "01", Value: gtin}, {AI: "21", Value: "SN-0001"}}, "https://id.example.com/01/09506000134352/21/SN-0001"),
			[]string{"^XA", "^BXN,4,200,", "^FH\\^FDhttps://id.example.com/01/09506000134352/21/SN-0001^FS", "^XZ"},
			[]string{"#1"}},
		{"pallet: GS1-128, start C, FNC1 >8", containerContent(tracegraph.LabelKindPallet, "PAL000001", "340123450000000017"),
			[]string{"^XA", "^BY4,3,200", "^BCN,200,N,N,N^FH\\^FD>;>800340123450000000017^FS", "^FDPALLET PAL000001^FS", "^FDContents: 40 boxes^FS",
				"^FB800,1,0,C", "^FD(00)340123450000000017^FS", "^XZ"},
			[]string{"^BX"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, tt.c, ZPL); err != nil {
				t.Fatalf("Render(ZPL): %v", err)
			}
			got := buf.String()
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("ZPL lacks %q (in order) in:\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("ZPL holds %q:\n%s", w, got)
				}
			}
			if strings.Count(got, "^XA") != 1 || !strings.HasSuffix(got, "^XZ\n") {
				t.Errorf("ZPL is not one format ^XA … ^XZ:\n%s", got)
			}
		})
	}
}

func TestCode128Data(t *testing.T) {
	tests := []struct {
		es   tracegraph.ElementString
		want string
	}{
		{tracegraph.ElementString{{AI: "00", Value: "340123450000000017"}}, ">;>800340123450000000017"},
		{tracegraph.ElementString{{AI: "01", Value: "09506000134352"}, {AI: "10", Value: "A>1"}, {AI: "21", Value: "7"}}, ">:>80109506000134352" + "10A><1>8217"},
	}
	for _, tt := range tests {
		if got := code128Data(tt.es); got != tt.want {
			t.Errorf("code128Data(%v) = %q, want %q", tt.es, got, tt.want)
		}
	}
}
