package label

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
)

// writeSVG draws the page as SVG in millimetres: one path of the symbol's
// rectangles (crisp edges), and text in a sans-serif font.
func writeSVG(w io.Writer, p *page) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%smm" height="%smm" viewBox="0 0 %s %s">`+"\n",
		num(p.w), num(p.h), num(p.w), num(p.h))
	fmt.Fprintf(b, `<rect width="%s" height="%s" fill="#fff"/>`+"\n", num(p.w), num(p.h))
	b.WriteString(`<path shape-rendering="crispEdges" fill="#000" d="`)
	for _, r := range p.rects {
		fmt.Fprintf(b, "M%s %sh%sv%sh-%sz", num(r.x), num(r.y), num(r.w), num(r.h), num(r.w))
	}
	b.WriteString("\"/>\n")
	for _, t := range p.texts {
		attrs := ""
		if t.bold {
			attrs += ` font-weight="bold"`
		}
		if t.centered {
			attrs += ` text-anchor="middle"`
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="%s"%s>`,
			num(t.x), num(t.y), num(t.size), attrs)
		if err := xml.EscapeText(b, []byte(t.s)); err != nil {
			return err
		}
		b.WriteString("</text>\n")
	}
	b.WriteString("</svg>\n")
	return b.Flush()
}

// num formats millimetres without needless digits.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
