package label

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// zplDots is the resolution of the ZPL output: 8 dots per millimetre (203
// dpi, the common Zebra print head).
const zplDots = 8

func dots(mm float64) int { return int(math.Round(mm * zplDots)) }

// writeZPL writes the label as one ZPL II format (^XA … ^XZ): the printer
// draws the symbol itself from the data (^BX Data Matrix ECC 200 with FNC1
// as the escape sequence "<esc>1", ^BC Code 128 with FNC1 as ">8"), and the
// text with its scalable font ^A0. Field data goes through ^FH, so that ^, ~
// and \ in it are hexadecimal escapes; ^CI28 reads text as UTF-8.
func writeZPL(w io.Writer, c *tracegraph.LabelContent, p *page) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", dots(p.w), dots(p.h))
	module := dots(XDim)
	if p.sym.twoD {
		data := c.URI
		esc := zplEscapeChar(data)
		if data == "" {
			esc = zplEscapeChar(c.Elements.Scanned())
			data = c.Elements.Encode(esc+"1", esc+"1")
		}
		fmt.Fprintf(b, "^FO%d,%d^BXN,%d,200,%d,%d,6,%s,1^FH\\^FD%s^FS\n", dots(p.symX), dots(p.symY), module,
			p.sym.cols, p.sym.rows, esc, zplField(data))
	} else {
		fmt.Fprintf(b, "^BY%d,3,%d\n^FO%d,%d^BCN,%d,N,N,N^FH\\^FD%s^FS\n", module, dots(p.symH), dots(p.symX), dots(p.symY),
			dots(p.symH), zplField(code128Data(c.Elements)))
	}
	for _, t := range p.texts {
		h := dots(t.size)
		top := dots(t.y - t.size*0.8)
		font := "^A0N"
		if t.bold {
			h = dots(t.size * 1.1)
		}
		if t.centered {
			fmt.Fprintf(b, "^FO0,%d^FB%d,1,0,C%s,%d,%d^FH\\^FD%s^FS\n", top, dots(p.w), font, h, h, zplField(t.s))
			continue
		}
		fmt.Fprintf(b, "^FO%d,%d%s,%d,%d^FH\\^FD%s^FS\n", dots(t.x), top, font, h, h, zplField(t.s))
	}
	b.WriteString("^PQ1\n^XZ\n")
	return b.Flush()
}

// code128Data is the ^BC field data of a GS1-128: start code C (">;") when
// the data is an even number of digits, else B (">:", where ">" itself is
// "><"), FNC1 (">8") first and as the separator.
func code128Data(es tracegraph.ElementString) string {
	plain := es.Encode("", "")
	digits := len(plain)%2 == 0
	for i := 0; i < len(plain) && digits; i++ {
		digits = plain[i] >= '0' && plain[i] <= '9'
	}
	if digits && es.Encode("", "|") == plain {
		return ">;" + es.Encode(">8", ">8")
	}
	quoted := make(tracegraph.ElementString, len(es))
	for i, f := range es {
		quoted[i] = tracegraph.GS1Field{AI: f.AI, Value: strings.ReplaceAll(f.Value, ">", "><")}
	}
	return ">:" + quoted.Encode(">8", ">8")
}

// zplEscapeChar picks the ^BX escape character: one that the data does not
// hold (GS1 values never hold #, a URI rarely does).
func zplEscapeChar(data string) string {
	for _, c := range []string{"#", "|", "`", "@", "$"} {
		if !strings.Contains(data, c) {
			return c
		}
	}
	return "_"
}

// zplField escapes field data for ^FH\: ^, ~, \ and control characters as
// \hh.
func zplField(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '^' || c == '~' || c == '\\' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "\\%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
