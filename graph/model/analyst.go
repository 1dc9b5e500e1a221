package model

import (
	"time"

	"github.com/tracegraph/tracegraph"
)

// WhereUsedReport is the answer to whereUsed.
type WhereUsedReport struct {
	R *tracegraph.WhereUsedReport
	// Req is the request it answers (for the units' evidence).
	Req tracegraph.WhereUsedRequest
}

// AsOf returns the moment whose structure counted.
func (w *WhereUsedReport) AsOf() time.Time { return w.R.AsOf }

// MaterialCount counts the material that matched.
func (w *WhereUsedReport) MaterialCount() int { return w.R.Material }

// ConfirmedCounts counts the confirmed units by where they are.
func (w *WhereUsedReport) ConfirmedCounts() *StatusCounts { return statusCounts(w.R.ConfirmedCount) }

// PossibleCounts counts the possible units by where they are.
func (w *WhereUsedReport) PossibleCounts() *StatusCounts { return statusCounts(w.R.PossibleCount) }

// ProductUnits counts the finished products holding the material.
func (w *WhereUsedReport) ProductUnits() int { return w.R.ProductUnits }

// Products counts the finished products by part number.
func (w *WhereUsedReport) Products() []*PartCount {
	out := make([]*PartCount, len(w.R.Products))
	for i, p := range w.R.Products {
		out[i] = &PartCount{PartNumber: p.PartNumber, Confirmed: p.Confirmed, Possible: p.Possible}
	}
	return out
}
