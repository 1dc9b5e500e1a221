package report

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// chunk is how many units a report reads from the store at a time (their
// properties in one Nodes call) and writes between two flushes.
const chunk = 1000

// ContentType is the media type of the report's body.
func (q *Query) ContentType() string {
	if q.Format == NDJSON {
		return "application/x-ndjson"
	}
	return "text/csv; charset=utf-8"
}

// Filename is a name for the report's file, stamped with the time now.
func (q *Query) Filename(now time.Time) string {
	return fmt.Sprintf("%s-%s.%s", q.Kind, now.UTC().Format("20060102T150405Z"), q.Format)
}

// columns are the CSV columns of each kind, in order; NDJSON rows carry the
// same fields (evidence as a list of links).
func (q *Query) columns() []string {
	unit := []string{"unit", "serial", "partNumber", "workOrder", "status", "onHold"}
	switch q.Kind {
	case Recall, WhereUsed:
		cols := append(unit, "precision", "confirmed", "depth", "shipment", "customer")
		if q.Evidence {
			cols = append(cols, "evidence")
		}
		return cols
	}
	return append(unit, "shipment", "customer")
}

// Flusher is a writer that can push what it buffered to the client.
type Flusher interface {
	Flush() error
}

// Write writes the report's rows to w, a CSV header first, and returns how
// many rows it wrote. It buffers at most a chunk of rows: w is written (and
// flushed, when it is a Flusher) every chunk rows. The first error
// (of the store, of w, or ctx's) ends it; rows written before it stay
// written.
func (q *Query) Write(ctx context.Context, store tracegraph.Store, w io.Writer) (int, error) {
	rw := &rowWriter{q: q, store: store, bw: bufio.NewWriterSize(w, 64<<10), dst: w}
	if q.Format == CSV {
		rw.csv = csv.NewWriter(rw.bw)
	}
	var err error
	switch q.Kind {
	case Recall:
		err = store.RecallUnits(ctx, q.Recall, func(u tracegraph.RecallUnit) error { return rw.add(ctx, u) })
	case WhereUsed:
		err = store.WhereUsedUnits(ctx, q.WhereUsed, func(u tracegraph.RecallUnit) error { return rw.add(ctx, u) })
	case Process, Test:
		err = q.pages(ctx, store, rw)
	default:
		err = tracegraph.Errorf(tracegraph.CodeInvalid, "kind", "no export %q", q.Kind)
	}
	if err == nil {
		err = rw.flush(ctx)
	}
	if err == nil && rw.rows == 0 {
		err = rw.header()
	}
	if err == nil {
		err = rw.push()
	}
	return rw.rows, err
}

// pages writes the units of a process or test question, a page of
// MaxPageSize units at a time.
func (q *Query) pages(ctx context.Context, store tracegraph.Store, rw *rowWriter) error {
	page := tracegraph.Page{First: tracegraph.MaxPageSize}
	for {
		var res *tracegraph.UnitPage
		var err error
		if q.Kind == Process {
			res, err = store.ProcessUnits(ctx, q.Process, page)
		} else {
			res, err = store.TestUnits(ctx, q.Test, page)
		}
		if err != nil {
			return err
		}
		for _, n := range res.Units {
			if err := rw.write(ctx, tracegraph.RecallUnit{ID: n.ID, Status: n.Status(), OnHold: n.OnHold()}, n); err != nil {
				return err
			}
		}
		if !res.HasNextPage || len(res.Cursors) == 0 {
			return nil
		}
		page.After = res.Cursors[len(res.Cursors)-1]
	}
}

// rowWriter formats rows, a chunk of units at a time.
type rowWriter struct {
	q     *Query
	store tracegraph.Store
	bw    *bufio.Writer
	dst   io.Writer
	csv   *csv.Writer
	chunk []tracegraph.RecallUnit
	rows  int
	began bool
}

// add queues a recall or where-used unit; a full chunk is written.
func (rw *rowWriter) add(ctx context.Context, u tracegraph.RecallUnit) error {
	rw.chunk = append(rw.chunk, u)
	if len(rw.chunk) < chunk {
		return nil
	}
	return rw.flush(ctx)
}

// flush writes the queued units with their properties (one Nodes call).
func (rw *rowWriter) flush(ctx context.Context) error {
	if len(rw.chunk) == 0 {
		return nil
	}
	ids := make([]tracegraph.ID, len(rw.chunk))
	for i, u := range rw.chunk {
		ids[i] = u.ID
	}
	nodes, err := rw.store.Nodes(ctx, ids)
	if err != nil {
		return err
	}
	for i, u := range rw.chunk {
		if err := rw.write(ctx, u, nodes[i]); err != nil {
			return err
		}
	}
	rw.chunk = rw.chunk[:0]
	return nil
}

func (rw *rowWriter) header() error {
	if rw.began {
		return nil
	}
	rw.began = true
	if rw.csv != nil {
		return rw.csv.Write(rw.q.columns())
	}
	return nil
}

// row is one NDJSON row.
type row struct {
	Unit       tracegraph.ID   `json:"unit"`
	Serial     string          `json:"serial"`
	PartNumber string          `json:"partNumber"`
	WorkOrder  string          `json:"workOrder"`
	Status     string          `json:"status"`
	OnHold     bool            `json:"onHold"`
	Precision  string          `json:"precision,omitempty"`
	Confirmed  *bool           `json:"confirmed,omitempty"`
	Depth      *int            `json:"depth,omitempty"`
	Shipment   string          `json:"shipment"`
	Customer   string          `json:"customer"`
	Evidence   *[]evidenceLink `json:"evidence,omitempty"`
}

// evidenceLink is one link of a unit's evidence in an NDJSON row.
type evidenceLink struct {
	Type      tracegraph.EdgeType `json:"type"`
	Source    tracegraph.ID       `json:"source"`
	Target    tracegraph.ID       `json:"target"`
	Precision string              `json:"precision"`
	ValidFrom time.Time           `json:"validFrom"`
	ValidTo   *time.Time          `json:"validTo,omitempty"`
	Event     string              `json:"event,omitempty"`
	RefDes    []any               `json:"refDes,omitempty"`
}

// write writes one unit; n is the unit's node (nil when it vanished meanwhile).
func (rw *rowWriter) write(ctx context.Context, u tracegraph.RecallUnit, n *tracegraph.Node) error {
	if err := rw.header(); err != nil {
		return err
	}
	if n == nil {
		n = &tracegraph.Node{ID: u.ID}
	}
	r := row{Unit: u.ID, Serial: u.ID.Key(), PartNumber: n.Str("partNumber"), WorkOrder: n.Str("workOrder"),
		Status: u.Status, OnHold: u.OnHold, Shipment: n.Str("shipment"), Customer: n.Str("customer")}
	recall := rw.q.Kind == Recall || rw.q.Kind == WhereUsed
	var links []tracegraph.Edge
	if recall {
		confirmed := u.Precision == tracegraph.PrecisionExact
		depth := u.Depth
		r.Precision, r.Confirmed, r.Depth = u.Precision.String(), &confirmed, &depth
		if rw.q.Evidence {
			req := rw.q.Recall
			if rw.q.Kind == WhereUsed {
				req = tracegraph.RecallRequest{Material: &rw.q.WhereUsed.Material, AsOf: rw.q.WhereUsed.AsOf, History: rw.q.WhereUsed.History}
			}
			var err error
			if links, err = rw.store.Evidence(ctx, req, u.ID); err != nil {
				return fmt.Errorf("evidence of %s: %w", u.ID, err)
			}
			ev := make([]evidenceLink, len(links))
			for i, e := range links {
				ev[i] = evidenceLink{Type: e.Type, Source: e.Source, Target: e.Target, Precision: e.Precision.String(),
					ValidFrom: e.ValidFrom, Event: e.Event}
				if !e.ValidTo.IsZero() {
					t := e.ValidTo
					ev[i].ValidTo = &t
				}
				ev[i].RefDes, _ = e.Props["refDes"].([]any)
			}
			r.Evidence = &ev
		}
	}
	var err error
	if rw.csv != nil {
		rec := []string{string(r.Unit), r.Serial, r.PartNumber, r.WorkOrder, r.Status, strconv.FormatBool(r.OnHold)}
		if recall {
			rec = append(rec, r.Precision, strconv.FormatBool(*r.Confirmed), strconv.Itoa(*r.Depth))
		}
		rec = append(rec, r.Shipment, r.Customer)
		if recall && rw.q.Evidence {
			rec = append(rec, evidenceSummary(links))
		}
		err = rw.csv.Write(rec)
	} else {
		var b []byte
		if b, err = json.Marshal(r); err == nil {
			b = append(b, '\n')
			_, err = rw.bw.Write(b)
		}
	}
	if err != nil {
		return fmt.Errorf("write row %d: %w", rw.rows+1, err)
	}
	rw.rows++
	if rw.rows%chunk == 0 {
		return rw.push()
	}
	return nil
}

// push writes what is buffered to the destination and flushes it.
func (rw *rowWriter) push() error {
	if rw.csv != nil {
		rw.csv.Flush()
		if err := rw.csv.Error(); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	if err := rw.bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if f, ok := rw.dst.(Flusher); ok {
		if err := f.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
	}
	return nil
}

// evidenceSummary is a unit's evidence in one CSV cell: the nodes of the
// path from the suspect to the unit, each hop with its link type and
// precision (and the end of a link that no longer holds, with history), e.g.
// "MaterialLot:R1 -> Unit:B1 (CONSUMED CANDIDATE) -> Unit:P1 (CONTAINS EXACT
// until 2026-04-01T12:00:00Z)"; "suspect" for a unit that is itself a
// suspect.
func evidenceSummary(links []tracegraph.Edge) string {
	if len(links) == 0 {
		return "suspect"
	}
	var b strings.Builder
	b.WriteString(string(links[0].Target))
	for _, e := range links {
		fmt.Fprintf(&b, " -> %s (%s %s", e.Source, e.Type, e.Precision)
		if !e.ValidTo.IsZero() {
			b.WriteString(" until " + e.ValidTo.UTC().Format(time.RFC3339))
		}
		b.WriteByte(')')
	}
	return b.String()
}
