package factory

import (
	"strconv"
	"time"

	"github.com/tracegraph/tracegraph"
)

// pad returns prefix followed by n in decimal, zero-padded to width digits.
func pad(prefix string, n, width int) string {
	var buf [48]byte
	b := append(buf[:0], prefix...)
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(n), 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	b = append(b, d...)
	return string(b)
}

// luhn returns the Luhn check digit of the decimal digits in s.
func luhn(s string) byte { return tracegraph.LuhnDigit(s) }

// imei returns the n-th IMEI of a type allocation code: TAC (8 digits), serial
// (6 digits), Luhn check digit. Past a million serials it moves to the next TAC.
func imei(tac string, n int) string {
	t, _ := strconv.Atoi(tac)
	body := pad("", t+n/1_000_000, 8) + pad("", n%1_000_000, 6)
	return body + string(luhn(body))
}

// macOUI is the organizationally unique identifier of the factory's MAC block:
// locally administered, so it names no real vendor.
const macOUI = 0x0A1F5C

// mac returns the n-th MAC address of the block, as 0A:1F:5C:xx:xx:xx.
func mac(n int) string { return formatMAC(uint64(macOUI)<<24 + uint64(n)) }

// formatMAC formats the low 48 bits of v as a MAC address, XX:XX:XX:XX:XX:XX.
func formatMAC(v uint64) string {
	const hexd = "0123456789ABCDEF"
	var b [17]byte
	for i := 0; i < 6; i++ {
		x := byte(v >> (40 - 8*i))
		b[3*i] = hexd[x>>4]
		b[3*i+1] = hexd[x&15]
		if i < 5 {
			b[3*i+2] = ':'
		}
	}
	return string(b[:])
}

// dateCode formats t as a YYWW date code (ISO week).
func dateCode(t time.Time) string {
	y, w := t.ISOWeek()
	return pad("", y%100, 2) + pad("", w, 2)
}

// Shop-floor areas, for operator rosters.
const (
	areaWarehouse = 20 + iota
	areaIQC
	areaPack
	areaShip
	areaRework
	numAreas
)

// areaFA is the area of a family's final assembly line.
func areaFA(f *family) int { return 10 + f.idx }

// shiftMS is the length of a shift: three shifts a day.
const shiftMS = 8 * 3600 * 1000

// operators is the roster: one operator per area and crew; crews rotate by shift.
type operators struct {
	names [numAreas][3]string
}

// newOperators returns the roster, with the site prefix sp in front of every
// operator id.
func newOperators(sp string) operators {
	var o operators
	for a := range numAreas {
		for c := range 3 {
			o.names[a][c] = sp + "OP" + strconv.Itoa(1000+a*10+c)
		}
	}
	return o
}

// op returns the operator working in area now.
func (g *gen) op(area int) string {
	return g.ops.names[area][(g.clock/shiftMS)%3]
}
