package tracegraph

import (
	"fmt"
)

// Serial-number scheme modes: whether unit.created for the part number must
// use a serial the scheme allocated.
const (
	// SerialsStrict: a new unit of the part number must have a serial
	// allocated by allocateSerials and not used yet; any other is refused
	// NOT_ALLOCATED.
	SerialsStrict = "strict"
	// SerialsOpen: serials are allocated on request, and units may have any.
	SerialsOpen = "open"
)

// Limits on allocations.
const (
	// MaxAllocation bounds the serials one allocation issues.
	MaxAllocation = MaxListLen
	// MaxSerialSeq is the largest sequence number any pattern writes
	// ({seq:15}).
	MaxSerialSeq = 999_999_999_999_999
)

// SerialScheme is the data of serials.scheme: how the serial numbers of a
// defined product are written and whether units must use allocated ones.
// A later serials.scheme for the part number replaces it; the sequence
// continues.
type SerialScheme struct {
	PartNumber string `json:"partNumber"`
	// Pattern is the serial-number pattern (see serialpattern.go), e.g.
	// MT{yy}{ww}{seq:6}{luhn}.
	Pattern string `json:"pattern"`
	// Site is the site code {site} stands for.
	Site string `json:"site,omitempty"`
	// Mode is SerialsStrict (the default) or SerialsOpen.
	Mode string `json:"mode,omitempty"`
}

func (p *SerialScheme) validate() *Error {
	if err := key("partNumber", p.PartNumber); err != nil {
		return err
	}
	if _, err := ParseSerialPattern(p.Pattern, p.Site); err != nil {
		return err
	}
	switch p.Mode {
	case "":
		p.Mode = SerialsStrict
	case SerialsStrict, SerialsOpen:
	default:
		return Errorf(CodeInvalid, "mode", "mode %q is not one of strict, open", p.Mode)
	}
	return nil
}

// SerialsAllocated is the data of serials.allocated: count serials issued
// for a part number. A client (or the server, for allocateSerials) sends
// the request, PartNumber and Count; the rules issue the next Count serials
// of the product's scheme and record them in First and Serials, so that the
// log says which serials were issued. An event that carries First and
// Serials already (a log replayed or imported) must carry exactly those the
// rules issue.
type SerialsAllocated struct {
	PartNumber string `json:"partNumber"`
	Count      int    `json:"count"`
	// First is the sequence number of the first serial issued.
	First   uint64   `json:"first,omitempty"`
	Serials []string `json:"serials,omitempty"`
}

func (p *SerialsAllocated) validate() *Error {
	if err := key("partNumber", p.PartNumber); err != nil {
		return err
	}
	if p.Count < 1 || p.Count > MaxAllocation {
		return Errorf(CodeInvalid, "count", "count must be a whole number from 1 to %d", MaxAllocation)
	}
	if p.First > MaxSerialSeq {
		return Errorf(CodeInvalid, "first", "first must be a sequence number from 1 to %d", uint64(MaxSerialSeq))
	}
	if (p.First == 0) != (len(p.Serials) == 0) {
		return Errorf(CodeInvalid, "serials", "first and serials are recorded by the rules together; send neither (a request) or both (a recorded allocation)")
	}
	if len(p.Serials) > 0 && len(p.Serials) != p.Count {
		return Errorf(CodeInvalid, "serials", "serials has %d entries; count is %d", len(p.Serials), p.Count)
	}
	for i, s := range p.Serials {
		if err := key(fmt.Sprintf("serials[%d]", i), s); err != nil {
			return err
		}
	}
	return nil
}

// request reports whether p is a request the rules have not filled yet.
func (p *SerialsAllocated) request() bool { return p.First == 0 }

// repeats reports whether p, a request, asks again what recorded asked:
// the same part number and count. The allocation recorded answers it.
func (p *SerialsAllocated) repeats(recorded Payload) bool {
	r, ok := recorded.(*SerialsAllocated)
	return ok && p.request() && r.PartNumber == p.PartNumber && r.Count == p.Count
}
