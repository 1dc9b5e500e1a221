package model

import (
	"time"

	"github.com/tracegraph/tracegraph"
)

// SerialScheme is a product's serial-number scheme.
type SerialScheme struct {
	Pattern string
	Site    *string
	Mode    string
	Issued  int
	Next    int
}

// SerialScheme returns the product's serial-number scheme, nil when it has none.
func (p *Product) SerialScheme() *SerialScheme {
	s, _ := p.prop("serialScheme").(map[string]any)
	if s == nil {
		return nil
	}
	out := &SerialScheme{}
	out.Pattern, _ = s["pattern"].(string)
	out.Mode, _ = s["mode"].(string)
	if site, _ := s["site"].(string); site != "" {
		out.Site = &site
	}
	issued, next := tracegraph.SerialsIssued(p.Node)
	out.Issued, out.Next = int(issued), int(next)
	return out
}

// SerialAllocation is what allocateSerials issued.
type SerialAllocation struct{ A *tracegraph.Allocation }

// Request returns the request id.
func (a *SerialAllocation) Request() string { return a.A.Request }

// PartNumber returns the part number.
func (a *SerialAllocation) PartNumber() string { return a.A.PartNumber }

// Serials returns the serials issued.
func (a *SerialAllocation) Serials() []string { return a.A.Serials }

// First returns the sequence number of the first serial.
func (a *SerialAllocation) First() int { return int(a.A.First) }

// AllocatedAt returns when the serials were allocated.
func (a *SerialAllocation) AllocatedAt() time.Time { return a.A.AllocatedAt }

// Seq returns the seq of the serials.allocated event.
func (a *SerialAllocation) Seq() int { return int(a.A.Seq) }

// Repeated reports whether the request had been answered before.
func (a *SerialAllocation) Repeated() bool { return a.A.Repeated }
