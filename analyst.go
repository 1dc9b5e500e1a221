package tracegraph

import (
	"context"
	"encoding/base64"
	"math"
	"strings"
	"time"
)

// Analyst answers the questions analysts come with: which material matches a
// description, which units a recall reaches (streamed, and why each one), where
// material was used, and which units a process or test record singles out.
//
// Every method is safe for concurrent use, checks ctx during long work and
// sees only committed events. Domain errors carry a code (see errors.go);
// any other error is INTERNAL.
type Analyst interface {
	// FindMaterial returns the lots, components and wafer batches that match
	// f, sorted by ID. INVALID for an empty or malformed filter; LIMIT when
	// more than MaxMaterialMatches match.
	FindMaterial(ctx context.Context, f MaterialFilter) ([]ID, error)

	// RecallUnits calls emit once for every unit RecallImpact reports for
	// req (confirmed and possible alike, with the same precision, depth,
	// status and hold flag), without building the report or a list of
	// units: memory stays bounded by the traversal's per-node state, never by
	// rows. Units come by depth (fewest hops from a suspect), within a depth
	// in an order that is fixed for a given store state. Statuses and holds
	// are read as the units are emitted. emit may call the store; the first
	// error it returns stops the stream and is returned wrapped. Errors as
	// RecallImpact: INVALID for a bad request, NOT_FOUND for a missing
	// suspect.
	RecallUnits(ctx context.Context, req RecallRequest, emit func(RecallUnit) error) error

	// Evidence returns why unit is affected by req: the edges of its best
	// path from a suspect to it (the most precise path, then the fewest
	// hops; among equals, the one a breadth-first search from the unit
	// finds first when it takes each node's links in the order they were
	// recorded), ordered from the suspect to the unit, each with its
	// precision and Props. A
	// unit that is itself a suspect has an empty path. Links count as in
	// RecallImpact (at req.AsOf, or ever with req.History). NOT_FOUND when
	// the unit does not exist or req does not reach it; INVALID, NOT_FOUND
	// for the request as RecallImpact.
	Evidence(ctx context.Context, req RecallRequest, unit ID) ([]Edge, error)

	// WhereUsed answers where material matching req.Material went: the
	// units built with it at any depth (counts, and one page in ID order),
	// their finished products by part number, their work orders and the
	// customers who received them, optionally only units shipped within a
	// window. INVALID for a bad request, LIMIT for a page too large.
	WhereUsed(ctx context.Context, req WhereUsedRequest) (*WhereUsedReport, error)

	// WhereUsedUnits calls emit for every unit WhereUsed counts for req
	// (req.Page is ignored), streamed like RecallUnits.
	WhereUsedUnits(ctx context.Context, req WhereUsedRequest, emit func(RecallUnit) error) error

	// ProcessUnits returns the units with a process record matching q, in
	// ID order, a page at a time; TotalCount counts every matching unit.
	// INVALID for a bad query or cursor, LIMIT for a page too large.
	ProcessUnits(ctx context.Context, q ProcessQuery, page Page) (*UnitPage, error)

	// TestUnits returns the units with a test record matching q, in ID
	// order, a page at a time; TotalCount counts every matching unit.
	// INVALID for a bad query or cursor, LIMIT for a page too large.
	TestUnits(ctx context.Context, q TestQuery, page Page) (*UnitPage, error)
}

// MaxMaterialMatches bounds the material FindMaterial lists. Recall and
// where-used questions by a MaterialFilter are not bounded by it.
const MaxMaterialMatches = 1_000_000

// MaterialFilter describes material by what was recorded when it was
// received: lots (lot.received), serialized components (component.received)
// and wafer batches (wafer.registered, which records only a manufacturer).
// Every field set must match; text fields match exactly (case and all).
type MaterialFilter struct {
	PartNumber      string
	MPN             string // manufacturer part number
	Manufacturer    string
	Supplier        string
	CountryOfOrigin string // recorded on lots only
	// DateCodeFrom and DateCodeTo bound the material's date code, both
	// inclusive, as YYWW (year and ISO week: "2412" is week 12 of 2024).
	// Either may be empty for an open end. With a bound, material whose date
	// code is missing or not four digits does not match.
	DateCodeFrom, DateCodeTo string
}

// IsZero reports whether no field is set.
func (f MaterialFilter) IsZero() bool { return f == MaterialFilter{} }

// Validate checks the filter: at least one field set, date codes as YYWW
// (week 01 to 53), From not after To (INVALID, naming the field).
func (f *MaterialFilter) Validate() error {
	if f.IsZero() {
		return Errorf(CodeInvalid, "", "a material filter needs at least one of partNumber, mpn, manufacturer, supplier, countryOfOrigin or a date-code range")
	}
	for _, dc := range []struct{ field, v string }{{"dateCodeFrom", f.DateCodeFrom}, {"dateCodeTo", f.DateCodeTo}} {
		if dc.v == "" {
			continue
		}
		if !yyww(dc.v) || dc.v[2:] < "01" || dc.v[2:] > "53" {
			return Errorf(CodeInvalid, dc.field, "%s %q is not a date code YYWW (year, then week 01 to 53)", dc.field, dc.v)
		}
	}
	if f.DateCodeFrom != "" && f.DateCodeTo != "" && f.DateCodeFrom > f.DateCodeTo {
		return Errorf(CodeInvalid, "dateCodeFrom", "dateCodeFrom %s is after dateCodeTo %s", f.DateCodeFrom, f.DateCodeTo)
	}
	return nil
}

// yyww reports whether s is four ASCII digits.
func yyww(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// The node properties a MaterialFilter reads.
var materialProps = [...]string{"partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin"}

// values returns the filter's text fields in the order of materialProps.
func (f *MaterialFilter) values() [len(materialProps)]string {
	return [...]string{f.PartNumber, f.MPN, f.Manufacturer, f.Supplier, f.CountryOfOrigin}
}

// Match reports whether n is material (a lot, component or wafer batch)
// that f describes. It is the definition every store's index answers to.
func (f *MaterialFilter) Match(n *Node) bool {
	if n == nil || !n.Label.IsMaterial() {
		return false
	}
	for i, v := range f.values() {
		if v != "" && n.Str(materialProps[i]) != v {
			return false
		}
	}
	return f.MatchDateCode(n.Str("dateCode"))
}

// MatchDateCode reports whether a material's date code lies in the filter's
// range: always without a range; otherwise only four digits within it.
func (f *MaterialFilter) MatchDateCode(code string) bool {
	if f.DateCodeFrom == "" && f.DateCodeTo == "" {
		return true
	}
	if !yyww(code) {
		return false
	}
	return (f.DateCodeFrom == "" || code >= f.DateCodeFrom) && (f.DateCodeTo == "" || code <= f.DateCodeTo)
}

// Validate checks a recall request: suspects, a material filter or both;
// well-formed IDs; a valid filter (INVALID, naming the field).
func (r *RecallRequest) Validate() error {
	if len(r.Suspects) == 0 && r.Material == nil {
		return Errorf(CodeInvalid, "suspects", "suspects needs at least one lot, wafer batch, component or unit, or a material filter")
	}
	for _, id := range r.Suspects {
		if _, _, err := ParseID(string(id)); err != nil {
			return err.(*Error).withField("suspects")
		}
	}
	if r.Material != nil {
		if err := r.Material.Validate(); err != nil {
			return err.(*Error).withField("material")
		}
	}
	return nil
}

// WhereUsedRequest asks where material went.
type WhereUsedRequest struct {
	// Material describes the material (required).
	Material MaterialFilter
	// ShippedFrom and ShippedTo, when either is set, keep only the units
	// that left in a shipment recorded in [ShippedFrom, ShippedTo): the
	// moment the shipment took the unit, or the product, box or pallet
	// holding it. A zero bound is open. Counts, products, work orders and
	// customers then cover those units alone.
	ShippedFrom, ShippedTo time.Time
	// AsOf is the moment whose structure and unit statuses count (zero:
	// now).
	AsOf time.Time
	// History counts every link that ever existed, removed ones too, as in
	// a RecallRequest.
	History bool
	// Page selects the units listed in the report, in ID order.
	Page Page
}

// Validate checks the request and fills in the page's default size
// (INVALID, naming the field; LIMIT for a page too large).
func (r *WhereUsedRequest) Validate() error {
	if err := r.Material.Validate(); err != nil {
		return err.(*Error).withField("material")
	}
	if !r.ShippedFrom.IsZero() && !r.ShippedTo.IsZero() && !r.ShippedFrom.Before(r.ShippedTo) {
		return Errorf(CodeInvalid, "shippedFrom", "shippedFrom must be before shippedTo")
	}
	if _, err := r.Page.AfterID(); err != nil {
		return err
	}
	return r.Page.Normalize()
}

// ShipWindow reports whether the request keeps only units shipped in a window.
func (r *WhereUsedRequest) ShipWindow() bool {
	return !r.ShippedFrom.IsZero() || !r.ShippedTo.IsZero()
}

// InShipWindow reports whether a shipment recorded at t lies in the window.
func (r *WhereUsedRequest) InShipWindow(t time.Time) bool {
	return !t.Before(r.ShippedFrom) && (r.ShippedTo.IsZero() || t.Before(r.ShippedTo))
}

// PartCount counts finished product units of one part number.
type PartCount struct {
	PartNumber string `json:"partNumber"`
	Confirmed  int    `json:"confirmed"`
	Possible   int    `json:"possible"`
}

// WhereUsedReport is where material went. As in a RecallReport, confirmed
// units hold the material through EXACT links only, possible ones through at
// least one CANDIDATE or ORDER link.
type WhereUsedReport struct {
	AsOf time.Time `json:"asOf"`
	// Material counts the lots, components and wafer batches that matched.
	Material       int          `json:"material"`
	ConfirmedCount StatusCounts `json:"confirmedCounts"`
	PossibleCount  StatusCounts `json:"possibleCounts"`
	// Units is the requested page of units, in ID order, with a cursor each.
	Units       []RecallUnit `json:"units"`
	Cursors     []string     `json:"cursors"`
	HasNextPage bool         `json:"hasNextPage"`
	// Products counts the finished products (units with no unit parent)
	// holding the material, by part number, sorted by part number;
	// ProductUnits is their total.
	Products     []PartCount `json:"products"`
	ProductUnits int         `json:"productUnits"`
	// WorkOrders and Customers count the units under each, as in a RecallReport.
	WorkOrders []RollupEntry `json:"workOrders"`
	Customers  []RollupEntry `json:"customers"`
}

// TotalUnits is the number of units the report counts.
func (r *WhereUsedReport) TotalUnits() int {
	c, p := r.ConfirmedCount, r.PossibleCount
	return c.Shipped + c.InHouse + c.Scrapped + p.Shipped + p.InHouse + p.Scrapped
}

// ProcessQuery selects process records (process.recorded): those of a
// station, recipe and/or step recorded in [From, To), optionally only those
// whose numeric parameter Parameter lay outside [Min, Max].
type ProcessQuery struct {
	Station, Recipe, Step string // at least one; exact match
	From, To              time.Time
	// Parameter names a parameter; Min and Max (at least one) bound its
	// window. A record matches when the parameter is a number below Min or
	// above Max; a record without it, or with a text value, does not.
	Parameter string
	Min, Max  *float64
}

// Validate checks the query (INVALID, naming the field).
func (q *ProcessQuery) Validate() error {
	if q.Station == "" && q.Recipe == "" && q.Step == "" {
		return Errorf(CodeInvalid, "station", "a process question needs a station, recipe or step")
	}
	if err := timeWindow(q.From, q.To); err != nil {
		return err
	}
	switch {
	case q.Parameter == "" && (q.Min != nil || q.Max != nil):
		return Errorf(CodeInvalid, "parameter", "min and max need the parameter they bound")
	case q.Parameter != "" && q.Min == nil && q.Max == nil:
		return Errorf(CodeInvalid, "min", "parameter %q needs min, max or both", q.Parameter)
	case q.Min != nil && q.Max != nil && *q.Min > *q.Max:
		return Errorf(CodeInvalid, "min", "min %g is above max %g", *q.Min, *q.Max)
	case q.Min != nil && !finite(*q.Min), q.Max != nil && !finite(*q.Max):
		return Errorf(CodeInvalid, "min", "min and max must be finite numbers")
	}
	return nil
}

func timeWindow(from, to time.Time) error {
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return Errorf(CodeInvalid, "from", "from must be before to")
	}
	return nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// inWindow reports whether the record time prop of n lies in [from, to).
func inWindow(n *Node, from, to time.Time) bool {
	if from.IsZero() && to.IsZero() {
		return true
	}
	at := n.Time("at")
	return !at.IsZero() && !at.Before(from) && (to.IsZero() || at.Before(to))
}

// Match reports whether the ProcessStep node step matches q.
func (q *ProcessQuery) Match(step *Node) bool {
	if step == nil || step.Label != LabelProcessStep ||
		(q.Station != "" && step.Str("station") != q.Station) ||
		(q.Recipe != "" && step.Str("recipe") != q.Recipe) ||
		(q.Step != "" && step.Str("step") != q.Step) ||
		!inWindow(step, q.From, q.To) {
		return false
	}
	if q.Parameter == "" {
		return true
	}
	params, _ := step.Props["parameters"].(map[string]any)
	v, ok := params[q.Parameter].(float64)
	return ok && ((q.Min != nil && v < *q.Min) || (q.Max != nil && v > *q.Max))
}

// TestQuery selects test records (test.recorded) recorded in [From, To):
// those of a test type, optionally with a measurement near or beyond its
// limits, and/or those run with a firmware version and/or checksum. Every
// criterion given must hold for the same record.
type TestQuery struct {
	TestType string // e.g. "FCT"; matched case-insensitively (stored upper-case)
	// Measurement names a measurement of TestType's records. A record
	// matches when that measurement came within WithinPercent of a limit
	// (from inside the limits), or, with Failed, failed: a value beyond a
	// limit or a result of fail. At least one of the two is needed.
	//
	// The margin is WithinPercent % of the span high − low; with one limit
	// only, of that limit's magnitude. A measurement without limits is never
	// near one.
	Measurement   string
	WithinPercent float64 // 0 < WithinPercent ≤ 100
	Failed        bool
	From, To      time.Time
	// FirmwareVersion and FirmwareChecksum match the record's firmware exactly.
	FirmwareVersion, FirmwareChecksum string
}

// Validate checks the query and upper-cases TestType (INVALID, naming the
// field).
func (q *TestQuery) Validate() error {
	q.TestType = strings.ToUpper(q.TestType)
	if q.TestType == "" && q.FirmwareVersion == "" && q.FirmwareChecksum == "" {
		return Errorf(CodeInvalid, "testType", "a test question needs a test type, firmware version or checksum")
	}
	if err := timeWindow(q.From, q.To); err != nil {
		return err
	}
	switch {
	case q.Measurement != "" && q.TestType == "":
		return Errorf(CodeInvalid, "testType", "measurement %q needs the test type it belongs to", q.Measurement)
	case q.Measurement == "" && (q.WithinPercent != 0 || q.Failed):
		return Errorf(CodeInvalid, "measurement", "withinPercent and failed need a measurement")
	case q.Measurement != "" && q.WithinPercent == 0 && !q.Failed:
		return Errorf(CodeInvalid, "withinPercent", "measurement %q needs withinPercent, failed or both", q.Measurement)
	case !finite(q.WithinPercent) || q.WithinPercent < 0 || q.WithinPercent > 100:
		return Errorf(CodeInvalid, "withinPercent", "withinPercent must be above 0 and at most 100")
	}
	return nil
}

// Match reports whether the TestRun node run matches q.
func (q *TestQuery) Match(run *Node) bool {
	if run == nil || run.Label != LabelTestRun ||
		(q.TestType != "" && run.Str("testType") != q.TestType) ||
		!inWindow(run, q.From, q.To) {
		return false
	}
	if q.FirmwareVersion != "" || q.FirmwareChecksum != "" {
		fw, _ := run.Props["firmware"].(map[string]any)
		if v, _ := fw["version"].(string); q.FirmwareVersion != "" && v != q.FirmwareVersion {
			return false
		}
		if c, _ := fw["checksum"].(string); q.FirmwareChecksum != "" && c != q.FirmwareChecksum {
			return false
		}
	}
	if q.Measurement == "" {
		return true
	}
	ms, _ := run.Props["measurements"].([]any)
	for _, x := range ms {
		m, _ := x.(map[string]any)
		if name, _ := m["name"].(string); name != q.Measurement {
			continue
		}
		v, ok := m["value"].(float64)
		if !ok {
			continue
		}
		meas := Measurement{Name: q.Measurement, Value: v}
		if low, ok := m["low"].(float64); ok {
			meas.Low = &low
		}
		if high, ok := m["high"].(float64); ok {
			meas.High = &high
		}
		meas.Result, _ = m["result"].(string)
		if q.MatchMeasurement(meas) {
			return true
		}
	}
	return false
}

// MatchMeasurement reports whether m, a measurement of a record Match has
// accepted otherwise, is what q asks: within WithinPercent of a limit (from
// inside the limits) or, with Failed, failed. It ignores m.Name.
func (q *TestQuery) MatchMeasurement(m Measurement) bool {
	v, low, high := m.Value, m.Low, m.High
	if q.Failed && (m.Result == ResultFail || (low != nil && v < *low) || (high != nil && v > *high)) {
		return true
	}
	if q.WithinPercent <= 0 {
		return false
	}
	var margin float64
	switch {
	case low != nil && high != nil:
		margin = (*high - *low) * q.WithinPercent / 100
	case low != nil:
		margin = math.Abs(*low) * q.WithinPercent / 100
	case high != nil:
		margin = math.Abs(*high) * q.WithinPercent / 100
	}
	return (low != nil && v >= *low && v <= *low+margin && (high == nil || v <= *high)) ||
		(high != nil && v <= *high && v >= *high-margin && (low == nil || v >= *low))
}

// CursorOf is the cursor of an item in a list ordered by ID: opaque to
// clients, the same in every store.
func CursorOf(id ID) string { return "i" + base64.RawURLEncoding.EncodeToString([]byte(id)) }

// AfterID decodes After as a cursor from CursorOf ("" for none; INVALID for
// a cursor this service did not give out).
func (p Page) AfterID() (ID, error) {
	if p.After == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(p.After, "i"))
	if err != nil || !strings.HasPrefix(p.After, "i") || len(b) == 0 {
		return "", Errorf(CodeInvalid, "after", "cursor %q is not one this service gave out", p.After)
	}
	return ID(b), nil
}
