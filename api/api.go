// Package api holds the wire types of tracegraph's REST API that the
// service (server/) and its clients (the tracegraph command's --url modes)
// both speak, so that a client needs the service's package only to run it.
package api

import (
	"time"

	"github.com/tracegraph/tracegraph"
)

// Headers of the answers.
const (
	// HeaderBackupHead names the head of a backup
	// (POST /api/v1/admin/backup): "SEQ HASH".
	HeaderBackupHead = "X-Backup-Head"
	// HeaderExportRows is the HTTP trailer that closes a complete export
	// (GET /api/v1/export/{kind}) with its row count: a body cut short (the
	// service failed or stopped midway) has none.
	HeaderExportRows = "X-Export-Rows"
	// HeaderLogHead is the HTTP trailer that closes a complete
	// GET /api/v1/admin/log with the seq of its last event (0 for none).
	HeaderLogHead = "X-Log-Head"
)

// ContainBody is the body of POST /api/v1/containments: what contain takes
// in GraphQL.
type ContainBody struct {
	Suspects    []tracegraph.ID `json:"suspects"`
	Material    *MaterialBody   `json:"material,omitempty"`
	Reason      string          `json:"reason"`
	Containment string          `json:"containment,omitempty"`
}

// Request returns the containment the body asks for, taking effect at at
// and recorded with operator.
func (b ContainBody) Request(at time.Time, operator string) tracegraph.ContainRequest {
	req := tracegraph.ContainRequest{Suspects: b.Suspects, Reason: b.Reason, Containment: b.Containment,
		Time: at, Operator: operator}
	if m := b.Material; m != nil {
		req.Material = &tracegraph.MaterialFilter{PartNumber: m.PartNumber, MPN: m.MPN, Manufacturer: m.Manufacturer,
			Supplier: m.Supplier, CountryOfOrigin: m.CountryOfOrigin, DateCodeFrom: m.DateCodeFrom, DateCodeTo: m.DateCodeTo}
	}
	return req
}

// MaterialBody is a material description in a JSON body.
type MaterialBody struct {
	PartNumber      string `json:"partNumber,omitempty"`
	MPN             string `json:"mpn,omitempty"`
	Manufacturer    string `json:"manufacturer,omitempty"`
	Supplier        string `json:"supplier,omitempty"`
	CountryOfOrigin string `json:"countryOfOrigin,omitempty"`
	DateCodeFrom    string `json:"dateCodeFrom,omitempty"`
	DateCodeTo      string `json:"dateCodeTo,omitempty"`
}

// ReleaseBody is the body of POST /api/v1/containments/{id}/release.
type ReleaseBody struct {
	Reason string `json:"reason"`
}

// AllocateBody is the body of POST /api/v1/serials: what allocateSerials
// takes in GraphQL. The answer is a tracegraph.Allocation.
type AllocateBody struct {
	PartNumber string `json:"partNumber"`
	Count      int    `json:"count"`
	// Request is the request's id, its idempotency key.
	Request string `json:"request"`
}

// Allocation returns the allocation the body asks for, at at and recorded with
// operator.
func (b AllocateBody) Allocation(at time.Time, operator string) tracegraph.AllocationRequest {
	return tracegraph.AllocationRequest{PartNumber: b.PartNumber, Count: b.Count, Request: b.Request, Time: at, Operator: operator}
}
