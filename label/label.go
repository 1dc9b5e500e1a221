package label

import (
	"fmt"
	"io"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/datamatrix"
	"github.com/tracegraph/tracegraph"
)

// Format is an output format of a label.
type Format string

// The formats.
const (
	PNG Format = "png"
	SVG Format = "svg"
	PDF Format = "pdf"
	ZPL Format = "zpl"
)

// Formats lists the formats in order of preference.
var Formats = []Format{PNG, SVG, PDF, ZPL}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case PNG:
		return "image/png"
	case SVG:
		return "image/svg+xml"
	case PDF:
		return "application/pdf"
	case ZPL:
		return "application/zpl"
	}
	return ""
}

// ParseFormat returns the format named s (case-insensitive): png, svg, pdf
// or zpl.
func ParseFormat(s string) (Format, bool) {
	f := Format(strings.ToLower(s))
	for _, x := range Formats {
		if f == x {
			return f, true
		}
	}
	return "", false
}

// FormatFor returns the format of a media type from an Accept header
// ("image/png", "application/pdf", …; "text/zpl" and "application/x-zpl"
// mean ZPL too).
func FormatFor(mediaType string) (Format, bool) {
	switch strings.ToLower(mediaType) {
	case "image/png":
		return PNG, true
	case "image/svg+xml":
		return SVG, true
	case "application/pdf":
		return PDF, true
	case "application/zpl", "application/x-zpl", "text/zpl", "x-application/zpl":
		return ZPL, true
	}
	return "", false
}

// Render writes the label c in format f.
func Render(w io.Writer, c *tracegraph.LabelContent, f Format) error {
	l, err := layout(c)
	if err != nil {
		return err
	}
	switch f {
	case PNG:
		return writePNG(w, l)
	case SVG:
		return writeSVG(w, l)
	case PDF:
		return writePDF(w, l)
	case ZPL:
		return writeZPL(w, c, l)
	}
	return fmt.Errorf("label format %q is not one of png, svg, pdf, zpl", f)
}

// symbol is a barcode as a grid of modules (a 1D code is one row high).
type symbol struct {
	cols, rows int
	dark       func(x, y int) bool
	twoD       bool
}

// fnc1DataMatrix is the Data Matrix codeword for FNC1 (ISO/IEC 16022):
// boombuler's encoder takes it as a byte of the content, first to mark a
// GS1 symbol and again as the separator of variable-length fields.
const fnc1DataMatrix = "\xe8"

// encode builds the symbol of a label: a Data Matrix of the Digital Link
// URI or of FNC1 and the element string, or a GS1-128 (Code 128 with FNC1
// first and as separator).
func encode(c *tracegraph.LabelContent) (*symbol, error) {
	var bc barcode.Barcode
	var err error
	if c.TwoD() {
		data := c.URI
		if data == "" {
			data = c.Elements.Encode(fnc1DataMatrix, fnc1DataMatrix)
		}
		bc, err = datamatrix.Encode(data)
	} else {
		fnc1 := string(code128.FNC1)
		bc, err = code128.Encode(c.Elements.Encode(fnc1, fnc1))
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s label: %w", c.Kind, err)
	}
	b := bc.Bounds()
	s := &symbol{cols: b.Dx(), rows: b.Dy(), twoD: c.TwoD()}
	if !s.twoD {
		s.rows = 1
	}
	s.dark = func(x, y int) bool {
		r, _, _, _ := bc.At(b.Min.X+x, b.Min.Y+y).RGBA()
		return r < 0x8000
	}
	return s, nil
}
