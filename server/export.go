package server

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
)

// The reports an export writes (GET /api/v1/export/{kind}).
const (
	ExportRecall    = "recall"
	ExportWhereUsed = "where-used"
	ExportProcess   = "process"
	ExportTest      = "test"
)

// The formats of an export.
const (
	FormatCSV    = "csv"
	FormatNDJSON = "ndjson"
)

// exportChunk is how many units an export reads from the store at a time
// (their properties in one Nodes call) and writes between two flushes.
const exportChunk = 1000

// Export is one report to write as CSV or NDJSON: every affected unit of a
// recall or every unit of a where-used, process or test question, one row
// each, streamed from the store (tracegraph.Analyst's RecallUnits,
// WhereUsedUnits, and ProcessUnits/TestUnits page by page), so that memory
// stays bounded by a chunk of rows whatever the size of the answer.
type Export struct {
	Kind   string // ExportRecall, ExportWhereUsed, ExportProcess or ExportTest
	Format string // FormatCSV or FormatNDJSON
	// Evidence adds each unit's evidence (recall and where-used): the links
	// of its best path from a suspect. One store question per unit.
	Evidence bool

	Recall    tracegraph.RecallRequest
	WhereUsed tracegraph.WhereUsedRequest
	Process   tracegraph.ProcessQuery
	Test      tracegraph.TestQuery
}

// exportParams are the query parameters each kind accepts, besides format.
var exportParams = map[string][]string{
	ExportRecall:    {"suspect", "partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin", "dateCodeFrom", "dateCodeTo", "asOf", "history", "evidence"},
	ExportWhereUsed: {"partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin", "dateCodeFrom", "dateCodeTo", "shippedFrom", "shippedTo", "asOf", "history", "evidence"},
	ExportProcess:   {"station", "recipe", "step", "from", "to", "parameter", "min", "max"},
	ExportTest:      {"testType", "measurement", "withinPercent", "failed", "from", "to", "firmwareVersion", "firmwareChecksum"},
}

// ExportKinds lists the reports an export can write.
func ExportKinds() []string {
	return []string{ExportRecall, ExportWhereUsed, ExportProcess, ExportTest}
}

// ExportParams returns the query parameters an export of kind accepts
// (format aside), nil for an unknown kind.
func ExportParams(kind string) []string { return slices.Clone(exportParams[kind]) }

// ParseExport reads an export of kind from URL query parameters: format
// (csv, the default, or ndjson); for recall, suspect (repeated) and/or a
// material description (partNumber, mpn, manufacturer, supplier,
// countryOfOrigin, dateCodeFrom, dateCodeTo), asOf, history and evidence
// (default true); for where-used, the material description, shippedFrom,
// shippedTo, asOf, history and evidence; for process, station, recipe, step,
// from, to, parameter, min and max; for test, testType, measurement,
// withinPercent, failed, from, to, firmwareVersion and firmwareChecksum.
// Times are RFC 3339. Unknown parameters and bad values are INVALID errors
// naming the parameter; the question itself is validated as the store does.
func ParseExport(kind string, q url.Values) (*Export, error) {
	allowed, ok := exportParams[kind]
	if !ok {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "kind", "no export %q: one of %s", kind, strings.Join(ExportKinds(), ", "))
	}
	for k := range q {
		if k != "format" && !slices.Contains(allowed, k) {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, k, "unknown parameter %q for a %s export (one of format, %s)", k, kind, strings.Join(allowed, ", "))
		}
	}
	p := params{q: q}
	ex := &Export{Kind: kind, Format: p.str("format")}
	switch ex.Format {
	case "":
		ex.Format = FormatCSV
	case FormatCSV, FormatNDJSON:
	default:
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "format", "format %q is not csv or ndjson", ex.Format)
	}
	switch kind {
	case ExportRecall:
		for _, s := range q["suspect"] {
			ex.Recall.Suspects = append(ex.Recall.Suspects, tracegraph.ID(s))
		}
		ex.Recall.Material = p.material()
		ex.Recall.AsOf, ex.Recall.History = p.time("asOf"), p.boolean("history", false)
		ex.Evidence = p.boolean("evidence", true)
		if p.err == nil {
			p.err = ex.Recall.Validate()
		}
	case ExportWhereUsed:
		if m := p.material(); m != nil {
			ex.WhereUsed.Material = *m
		}
		ex.WhereUsed.ShippedFrom, ex.WhereUsed.ShippedTo = p.time("shippedFrom"), p.time("shippedTo")
		ex.WhereUsed.AsOf, ex.WhereUsed.History = p.time("asOf"), p.boolean("history", false)
		ex.Evidence = p.boolean("evidence", true)
		if p.err == nil {
			p.err = ex.WhereUsed.Validate()
		}
	case ExportProcess:
		ex.Process = tracegraph.ProcessQuery{Station: p.str("station"), Recipe: p.str("recipe"), Step: p.str("step"),
			From: p.time("from"), To: p.time("to"), Parameter: p.str("parameter"), Min: p.float("min"), Max: p.float("max")}
		if p.err == nil {
			p.err = ex.Process.Validate()
		}
	case ExportTest:
		ex.Test = tracegraph.TestQuery{TestType: p.str("testType"), Measurement: p.str("measurement"), Failed: p.boolean("failed", false),
			From: p.time("from"), To: p.time("to"), FirmwareVersion: p.str("firmwareVersion"), FirmwareChecksum: p.str("firmwareChecksum")}
		if w := p.float("withinPercent"); w != nil {
			ex.Test.WithinPercent = *w
		}
		if p.err == nil {
			p.err = ex.Test.Validate()
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return ex, nil
}

// params reads query parameters, keeping the first error.
type params struct {
	q   url.Values
	err error
}

func (p *params) str(k string) string {
	vs := p.q[k]
	if len(vs) > 1 && p.err == nil {
		p.err = tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s is given %d times; give it once", k, len(vs))
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (p *params) time(k string) time.Time {
	s := p.str(k)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil && p.err == nil {
		p.err = tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s=%q is not an RFC 3339 time (e.g. 2026-03-01T08:00:00Z)", k, s)
	}
	return t
}

func (p *params) boolean(k string, def bool) bool {
	s := p.str(k)
	if s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil && p.err == nil {
		p.err = tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s=%q is not true or false", k, s)
	}
	return b
}

func (p *params) float(k string) *float64 {
	s := p.str(k)
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && p.err == nil {
		p.err = tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s=%q is not a number", k, s)
	}
	return &f
}

// material is the material description of the parameters, nil when none is given.
func (p *params) material() *tracegraph.MaterialFilter {
	m := tracegraph.MaterialFilter{PartNumber: p.str("partNumber"), MPN: p.str("mpn"), Manufacturer: p.str("manufacturer"),
		Supplier: p.str("supplier"), CountryOfOrigin: p.str("countryOfOrigin"), DateCodeFrom: p.str("dateCodeFrom"), DateCodeTo: p.str("dateCodeTo")}
	if m.IsZero() {
		return nil
	}
	return &m
}

// ContentType is the media type of the export's body.
func (ex *Export) ContentType() string {
	if ex.Format == FormatNDJSON {
		return "application/x-ndjson"
	}
	return "text/csv; charset=utf-8"
}

// Filename is a name for the export's file, stamped with the time now.
func (ex *Export) Filename(now time.Time) string {
	return fmt.Sprintf("%s-%s.%s", ex.Kind, now.UTC().Format("20060102T150405Z"), ex.Format)
}

// columns are the CSV columns of each kind, in order; NDJSON rows carry the
// same fields (evidence as a list of links).
func (ex *Export) columns() []string {
	unit := []string{"unit", "serial", "partNumber", "workOrder", "status", "onHold"}
	switch ex.Kind {
	case ExportRecall, ExportWhereUsed:
		cols := append(unit, "precision", "confirmed", "depth", "shipment", "customer")
		if ex.Evidence {
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

// Write writes the export's rows to w, a CSV header first, and returns how
// many rows it wrote. It buffers at most a chunk of rows: w is written (and
// flushed, when it is a Flusher) every exportChunk rows. The first error
// (of the store, of w, or ctx's) ends it; rows written before it stay
// written.
func (ex *Export) Write(ctx context.Context, store tracegraph.Store, w io.Writer) (int, error) {
	rw := &rowWriter{ex: ex, store: store, bw: bufio.NewWriterSize(w, 64<<10), dst: w}
	if ex.Format == FormatCSV {
		rw.csv = csv.NewWriter(rw.bw)
	}
	var err error
	switch ex.Kind {
	case ExportRecall:
		err = store.RecallUnits(ctx, ex.Recall, func(u tracegraph.RecallUnit) error { return rw.add(ctx, u) })
	case ExportWhereUsed:
		err = store.WhereUsedUnits(ctx, ex.WhereUsed, func(u tracegraph.RecallUnit) error { return rw.add(ctx, u) })
	case ExportProcess, ExportTest:
		err = ex.pages(ctx, store, rw)
	default:
		err = tracegraph.Errorf(tracegraph.CodeInvalid, "kind", "no export %q", ex.Kind)
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
func (ex *Export) pages(ctx context.Context, store tracegraph.Store, rw *rowWriter) error {
	page := tracegraph.Page{First: tracegraph.MaxPageSize}
	for {
		var res *tracegraph.UnitPage
		var err error
		if ex.Kind == ExportProcess {
			res, err = store.ProcessUnits(ctx, ex.Process, page)
		} else {
			res, err = store.TestUnits(ctx, ex.Test, page)
		}
		if err != nil {
			return err
		}
		for _, n := range res.Units {
			if err := rw.row(ctx, tracegraph.RecallUnit{ID: n.ID, Status: n.Status(), OnHold: n.OnHold()}, n); err != nil {
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
	ex    *Export
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
	if len(rw.chunk) < exportChunk {
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
		if err := rw.row(ctx, u, nodes[i]); err != nil {
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
		return rw.csv.Write(rw.ex.columns())
	}
	return nil
}

// exportRow is one NDJSON row.
type exportRow struct {
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

// row writes one unit; n is the unit's node (nil when it vanished meanwhile).
func (rw *rowWriter) row(ctx context.Context, u tracegraph.RecallUnit, n *tracegraph.Node) error {
	if err := rw.header(); err != nil {
		return err
	}
	if n == nil {
		n = &tracegraph.Node{ID: u.ID}
	}
	r := exportRow{Unit: u.ID, Serial: u.ID.Key(), PartNumber: n.Str("partNumber"), WorkOrder: n.Str("workOrder"),
		Status: u.Status, OnHold: u.OnHold, Shipment: n.Str("shipment"), Customer: n.Str("customer")}
	recall := rw.ex.Kind == ExportRecall || rw.ex.Kind == ExportWhereUsed
	var links []tracegraph.Edge
	if recall {
		confirmed := u.Precision == tracegraph.PrecisionExact
		depth := u.Depth
		r.Precision, r.Confirmed, r.Depth = u.Precision.String(), &confirmed, &depth
		if rw.ex.Evidence {
			req := rw.ex.Recall
			if rw.ex.Kind == ExportWhereUsed {
				req = tracegraph.RecallRequest{Material: &rw.ex.WhereUsed.Material, AsOf: rw.ex.WhereUsed.AsOf, History: rw.ex.WhereUsed.History}
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
		if recall && rw.ex.Evidence {
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
	if rw.rows%exportChunk == 0 {
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

// responseWriter commits the HTTP answer (status 200, the export's headers)
// on the first byte written, so that an error before it can still be
// answered as JSON with its code.
type responseWriter struct {
	s         *Server
	c         echo.Context
	ex        *Export
	now       time.Time
	committed bool
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.committed {
		w.committed = true
		h := w.c.Response().Header()
		h.Set(echo.HeaderContentType, w.ex.ContentType())
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", w.ex.Filename(w.now)))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Trailer", exportRowsTrailer)
		w.c.Response().WriteHeader(http.StatusOK)
	}
	w.s.extendWrite(w.c)
	return w.c.Response().Write(p)
}

// Flush implements Flusher: it sends what the response buffered.
func (w *responseWriter) Flush() error {
	if w.committed {
		w.s.extendWrite(w.c)
		return http.NewResponseController(w.c.Response().Writer).Flush()
	}
	return nil
}

// exportRowsTrailer is the HTTP trailer that closes a complete export with
// its row count: a body cut short (the service failed or stopped midway)
// has none.
const exportRowsTrailer = "X-Export-Rows"

// export answers GET /api/v1/export/{kind}: the report as CSV or NDJSON,
// streamed. Errors before the first byte are answered as JSON with their
// code; after it, the connection is closed without completing the body, so
// the client sees a truncated answer rather than a short one (a complete
// answer ends with the trailer X-Export-Rows). A client that goes away ends
// the work.
func (s *Server) export(c echo.Context) error {
	ex, err := ParseExport(c.Param("kind"), c.QueryParams())
	if err != nil {
		return s.fail(c, err)
	}
	ctx := c.Request().Context()
	w := &responseWriter{s: s, c: c, ex: ex, now: s.now()}
	rows, err := ex.Write(ctx, s.cfg.Store, w)
	if err == nil {
		if !w.committed {
			_, _ = w.Write(nil) // an empty NDJSON answer: the headers alone
		}
		c.Response().Header().Set(exportRowsTrailer, strconv.Itoa(rows))
		return nil
	}
	if !w.committed {
		return s.fail(c, err)
	}
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		s.log.InfoContext(ctx, "export: the client went away", "kind", ex.Kind, "rows", rows)
	} else {
		s.log.ErrorContext(ctx, "export failed midway", "kind", ex.Kind, "rows", rows, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// now is the server's clock.
func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}
