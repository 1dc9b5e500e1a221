package label

import (
	"image"
	"image/draw"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// pngModule is the size of one module in PNG pixels: 6 px for XDim 0.5 mm
// is about 305 dpi, a label printer's resolution.
const pngModule = 6

// pxPerMM converts millimetres to PNG pixels; every placement is a multiple
// of half a millimetre, so modules start on whole pixels.
const pxPerMM = pngModule / XDim

func px(mm float64) int { return int(math.Round(mm * pxPerMM)) }

// writePNG draws the page in black on white (8-bit gray).
func writePNG(w io.Writer, p *page) error {
	img := image.NewGray(image.Rect(0, 0, px(p.w), px(p.h)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, r := range p.rects {
		draw.Draw(img, image.Rect(px(r.x), px(r.y), px(r.x+r.w), px(r.y+r.h)), image.Black, image.Point{}, draw.Src)
	}
	for _, t := range p.texts {
		drawText(img, t)
	}
	return png.Encode(w, img)
}

// drawText draws t with the 7×13 bitmap font, scaled by a whole factor to
// about its size (bold: drawn twice, a pixel apart).
func drawText(img *image.Gray, t text) {
	face := basicfont.Face7x13
	scale := max(1, int(math.Round(t.size*pxPerMM/13)))
	wd := font.MeasureString(face, t.s).Ceil() + 1
	small := image.NewGray(image.Rect(0, 0, wd, 13))
	draw.Draw(small, small.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: small, Src: image.Black, Face: face}
	for i := 0; i <= boolInt(t.bold); i++ {
		d.Dot = fixed.P(i, face.Ascent)
		d.DrawString(t.s)
	}
	x0, y0 := px(t.x), px(t.y)-face.Ascent*scale
	if t.centered {
		x0 -= wd * scale / 2
	}
	for y := 0; y < 13; y++ {
		for x := 0; x < wd; x++ {
			if small.GrayAt(x, y).Y < 0x80 {
				draw.Draw(img, image.Rect(x0+x*scale, y0+y*scale, x0+(x+1)*scale, y0+(y+1)*scale), image.Black, image.Point{}, draw.Src)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
