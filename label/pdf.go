package label

import (
	"io"
	"time"

	"github.com/go-pdf/fpdf"
)

// pdfEpoch is the creation date every label PDF carries, so that the same
// label is the same file.
var pdfEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// writePDF draws the page as a one-page PDF of the label's size: the
// symbol as filled rectangles (vector, sharp at any printer resolution) and
// the text in Helvetica (a standard font, not embedded).
func writePDF(w io.Writer, p *page) error {
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: p.w, Ht: p.h}})
	pdf.SetCreationDate(pdfEpoch)
	pdf.SetModificationDate(pdfEpoch)
	pdf.SetCatalogSort(true)
	pdf.SetCreator("tracegraph", true)
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	pdf.SetFillColor(0, 0, 0)
	for _, r := range p.rects {
		pdf.Rect(r.x, r.y, r.w, r.h, "F")
	}
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	for _, t := range p.texts {
		style := ""
		if t.bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, t.size*72/25.4)
		s := tr(t.s)
		x := t.x
		if t.centered {
			x -= pdf.GetStringWidth(s) / 2
		}
		pdf.Text(x, t.y, s)
	}
	return pdf.Output(w)
}
