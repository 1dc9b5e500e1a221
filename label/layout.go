package label

import (
	"math"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// XDim is the width of one module (the X dimension) in millimetres: within
// the GS1 General Specifications' ranges for a Data Matrix on a product
// (0.255–0.615 mm) and for a GS1-128 on a logistic label (0.495–1.016 mm).
const XDim = 0.5

// Layout sizes in millimetres.
const (
	margin      = 2.0
	barHeight   = 25.0 // GS1-128 bars on an SSCC label (the minimum is 31.75 mm at X 0.495 for scanning in the air; printers scale up)
	ssccWidth   = 100.0
	ssccHeight  = 70.0
	titleSize   = 5.0
	lineSize    = 3.6
	unitTitle   = 3.2
	unitLine    = 2.6
	hriSize     = 3.2
	charAdvance = 0.62 // the advance of a character in ems, for sizing
)

// rect is a dark rectangle, in millimetres from the top left.
type rect struct{ x, y, w, h float64 }

// text is one line of text: y is its baseline, size its font size (em), in
// millimetres; centered texts are centred on x.
type text struct {
	x, y, size float64
	s          string
	bold       bool
	centered   bool
}

// page is a drawn label: its size, the symbol's modules as rectangles and
// the text, in millimetres.
type page struct {
	w, h  float64
	rects []rect
	texts []text
	// sym and its place, for ZPL, which draws the symbol itself.
	sym        *symbol
	symX, symY float64
	symH       float64 // the height of a 1D symbol's bars
	hri        string  // the human-readable interpretation under a 1D symbol
}

// layout places a label's symbol and text.
func layout(c *tracegraph.LabelContent) (*page, error) {
	sym, err := encode(c)
	if err != nil {
		return nil, err
	}
	if sym.twoD {
		return unitLayout(c, sym), nil
	}
	return ssccLayout(c, sym), nil
}

// half rounds v up to a multiple of half a millimetre, so that modules fall
// on whole pixels in PNG.
func half(v float64) float64 { return math.Ceil(v*2) / 2 }

func textWidth(s string, size float64) float64 {
	return float64(len([]rune(s))) * size * charAdvance
}

// unitLayout: the Data Matrix at the left, the text at its right, the
// element string under the text.
func unitLayout(c *tracegraph.LabelContent, sym *symbol) *page {
	side := float64(sym.cols) * XDim
	p := &page{sym: sym}
	lines := make([]text, 0, len(c.Lines)+1)
	tx := margin + side + 3
	y := margin + unitTitle
	width := 0.0
	for i, l := range c.Lines {
		t := text{x: tx, y: y, size: unitLine, s: l.Name + ": " + l.Value}
		if i == 0 {
			t = text{x: tx, y: y, size: unitTitle, s: l.Value, bold: true}
		}
		lines = append(lines, t)
		width = max(width, textWidth(t.s, t.size))
		y += t.size * 1.35
	}
	hri := text{x: tx, y: y + 1, size: unitLine * 0.85, s: c.Elements.Bracketed()}
	lines = append(lines, hri)
	width = max(width, textWidth(hri.s, hri.size))
	p.h = half(max(side+2*margin, hri.y+margin))
	p.w = half(max(60, tx+width+margin))
	p.symX, p.symY = margin, half((p.h-side)/2)
	p.texts = lines
	p.rects = moduleRects(sym, p.symX, p.symY, XDim)
	return p
}

// ssccLayout: an SSCC label: the container and what it holds at the top,
// the GS1-128 below, its human-readable interpretation under it.
func ssccLayout(c *tracegraph.LabelContent, sym *symbol) *page {
	p := &page{w: ssccWidth, h: ssccHeight, sym: sym, symH: barHeight, hri: c.Elements.Bracketed()}
	y := 4 + titleSize
	for i, l := range c.Lines {
		t := text{x: 5, y: y, size: lineSize, s: l.Name + ": " + l.Value}
		if i == 0 {
			t = text{x: 5, y: y, size: titleSize, s: strings.ToUpper(l.Name) + " " + l.Value, bold: true}
			y += 1
		}
		p.texts = append(p.texts, t)
		y += t.size * 1.4
	}
	width := float64(sym.cols) * XDim
	p.symX, p.symY = half((p.w-width)/2), half(y)
	p.rects = moduleRects(sym, p.symX, p.symY, XDim)
	p.texts = append(p.texts, text{x: p.w / 2, y: p.symY + barHeight + hriSize + 1, size: hriSize, s: p.hri, centered: true})
	return p
}

// moduleRects merges the dark modules of each row into rectangles (a 1D
// symbol's bars run the full bar height).
func moduleRects(s *symbol, x0, y0, x float64) []rect {
	var out []rect
	h := x
	if !s.twoD {
		h = barHeight
	}
	for row := 0; row < s.rows; row++ {
		for col := 0; col < s.cols; {
			if !s.dark(col, row) {
				col++
				continue
			}
			end := col
			for end < s.cols && s.dark(end, row) {
				end++
			}
			out = append(out, rect{x: x0 + float64(col)*x, y: y0 + float64(row)*h, w: float64(end-col) * x, h: h})
			col = end
		}
	}
	return out
}
