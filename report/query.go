package report

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// The reports.
const (
	Recall    = "recall"
	WhereUsed = "where-used"
	Process   = "process"
	Test      = "test"
)

// The formats of a report.
const (
	CSV    = "csv"
	NDJSON = "ndjson"
)

// Query is one report to write: its kind, format and question. The zero
// value is not a query: start from New or ParseQuery.
type Query struct {
	Kind   string // Recall, WhereUsed, Process or Test
	Format string // CSV or NDJSON
	// Evidence adds each unit's evidence (recall and where-used): the links
	// of its best path from a suspect. One store question per unit.
	Evidence bool

	Recall    tracegraph.RecallRequest
	WhereUsed tracegraph.WhereUsedRequest
	Process   tracegraph.ProcessQuery
	Test      tracegraph.TestQuery
}

// params are the parameters each kind accepts, besides format.
var params = map[string][]string{
	Recall:    {"suspect", "partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin", "dateCodeFrom", "dateCodeTo", "asOf", "history", "evidence"},
	WhereUsed: {"partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin", "dateCodeFrom", "dateCodeTo", "shippedFrom", "shippedTo", "asOf", "history", "evidence"},
	Process:   {"station", "recipe", "step", "from", "to", "parameter", "min", "max"},
	Test:      {"testType", "measurement", "withinPercent", "failed", "from", "to", "firmwareVersion", "firmwareChecksum"},
}

// Kinds lists the reports.
func Kinds() []string { return []string{Recall, WhereUsed, Process, Test} }

// Params returns the parameters a report of kind accepts (format aside),
// nil for an unknown kind.
func Params(kind string) []string { return slices.Clone(params[kind]) }

// New returns a query of kind with the defaults: CSV, with evidence.
// An unknown kind is NOT_FOUND (naming kind).
func New(kind string) (*Query, error) {
	if _, ok := params[kind]; !ok {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "kind", "no export %q: one of %s", kind, strings.Join(Kinds(), ", "))
	}
	return &Query{Kind: kind, Format: CSV, Evidence: true}, nil
}

// ParseQuery reads a query of kind from URL query parameters: format (csv,
// the default, or ndjson); for recall, suspect (repeated) and/or a material
// description (partNumber, mpn, manufacturer, supplier, countryOfOrigin,
// dateCodeFrom, dateCodeTo), asOf, history and evidence (default true); for
// where-used, the material description, shippedFrom, shippedTo, asOf,
// history and evidence; for process, station, recipe, step, from, to,
// parameter, min and max; for test, testType, measurement, withinPercent,
// failed, from, to, firmwareVersion and firmwareChecksum. Times are RFC
// 3339. Unknown parameters, one given twice (but suspect) and bad values are
// INVALID errors naming the parameter; the question itself is validated as
// the store does (Validate).
func ParseQuery(kind string, v url.Values) (*Query, error) {
	q, err := New(kind)
	if err != nil {
		return nil, err
	}
	for k := range v {
		if k != "format" && !slices.Contains(params[kind], k) {
			return nil, q.unknown(k)
		}
	}
	for _, k := range append([]string{"format"}, params[kind]...) {
		vs := v[k]
		if len(vs) > 1 && k != "suspect" {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s is given %d times; give it once", k, len(vs))
		}
		for _, s := range vs {
			if err := q.Set(k, s); err != nil {
				return nil, err
			}
		}
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *Query) unknown(k string) error {
	return tracegraph.Errorf(tracegraph.CodeInvalid, k, "unknown parameter %q for a %s export (one of format, %s)", k, q.Kind, strings.Join(params[q.Kind], ", "))
}

// Set sets one parameter of the query (see ParseQuery) from its text; an
// empty text sets the parameter's zero value (a boolean's default). A
// parameter of another kind, or a bad value, is an INVALID error naming
// it. Suspects add up.
func (q *Query) Set(param, s string) error {
	if param != "format" && !slices.Contains(params[q.Kind], param) {
		return q.unknown(param)
	}
	var err error
	switch param {
	case "format":
		if s == "" {
			s = CSV
		}
		if s != CSV && s != NDJSON {
			return tracegraph.Errorf(tracegraph.CodeInvalid, "format", "format %q is not csv or ndjson", s)
		}
		q.Format = s
	case "suspect":
		q.Recall.Suspects = append(q.Recall.Suspects, tracegraph.ID(s))
	case "partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin", "dateCodeFrom", "dateCodeTo":
		*materialField(q.material(), param) = s
	case "asOf":
		if q.Kind == Recall {
			q.Recall.AsOf, err = parseTime(param, s)
		} else {
			q.WhereUsed.AsOf, err = parseTime(param, s)
		}
	case "history":
		if q.Kind == Recall {
			q.Recall.History, err = parseBool(param, s, false)
		} else {
			q.WhereUsed.History, err = parseBool(param, s, false)
		}
	case "evidence":
		q.Evidence, err = parseBool(param, s, true)
	case "shippedFrom":
		q.WhereUsed.ShippedFrom, err = parseTime(param, s)
	case "shippedTo":
		q.WhereUsed.ShippedTo, err = parseTime(param, s)
	case "station":
		q.Process.Station = s
	case "recipe":
		q.Process.Recipe = s
	case "step":
		q.Process.Step = s
	case "parameter":
		q.Process.Parameter = s
	case "min":
		q.Process.Min, err = parseFloat(param, s)
	case "max":
		q.Process.Max, err = parseFloat(param, s)
	case "from", "to":
		var t time.Time
		t, err = parseTime(param, s)
		switch {
		case q.Kind == Process && param == "from":
			q.Process.From = t
		case q.Kind == Process:
			q.Process.To = t
		case param == "from":
			q.Test.From = t
		default:
			q.Test.To = t
		}
	case "testType":
		q.Test.TestType = s
	case "measurement":
		q.Test.Measurement = s
	case "withinPercent":
		var f *float64
		f, err = parseFloat(param, s)
		q.Test.WithinPercent = 0
		if f != nil {
			q.Test.WithinPercent = *f
		}
	case "failed":
		q.Test.Failed, err = parseBool(param, s, false)
	case "firmwareVersion":
		q.Test.FirmwareVersion = s
	case "firmwareChecksum":
		q.Test.FirmwareChecksum = s
	}
	return err
}

// material returns the material description the query's kind asks about,
// made when a recall has none yet.
func (q *Query) material() *tracegraph.MaterialFilter {
	if q.Kind == WhereUsed {
		return &q.WhereUsed.Material
	}
	if q.Recall.Material == nil {
		q.Recall.Material = &tracegraph.MaterialFilter{}
	}
	return q.Recall.Material
}

// materialField returns the field of m a parameter names.
func materialField(m *tracegraph.MaterialFilter, param string) *string {
	switch param {
	case "partNumber":
		return &m.PartNumber
	case "mpn":
		return &m.MPN
	case "manufacturer":
		return &m.Manufacturer
	case "supplier":
		return &m.Supplier
	case "countryOfOrigin":
		return &m.CountryOfOrigin
	case "dateCodeFrom":
		return &m.DateCodeFrom
	}
	return &m.DateCodeTo
}

// Validate checks the question as the store does (INVALID naming the
// field); a recall's empty material description is none.
func (q *Query) Validate() error {
	switch q.Kind {
	case Recall:
		if q.Recall.Material != nil && q.Recall.Material.IsZero() {
			q.Recall.Material = nil
		}
		return q.Recall.Validate()
	case WhereUsed:
		return q.WhereUsed.Validate()
	case Process:
		return q.Process.Validate()
	case Test:
		return q.Test.Validate()
	}
	_, err := New(q.Kind)
	return err
}

// Values returns the query as URL parameters, the inverse of ParseQuery:
// what a client sends to GET /api/v1/export/{kind}.
func (q *Query) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	setTime := func(k string, t time.Time) {
		if !t.IsZero() {
			v.Set(k, t.Format(time.RFC3339Nano))
		}
	}
	setFloat := func(k string, f *float64) {
		if f != nil {
			v.Set(k, strconv.FormatFloat(*f, 'g', -1, 64))
		}
	}
	if q.Format != CSV {
		set("format", q.Format)
	}
	var m *tracegraph.MaterialFilter
	switch q.Kind {
	case Recall, WhereUsed:
		asOf, history := q.Recall.AsOf, q.Recall.History
		m = q.Recall.Material
		if q.Kind == WhereUsed {
			asOf, history, m = q.WhereUsed.AsOf, q.WhereUsed.History, &q.WhereUsed.Material
			setTime("shippedFrom", q.WhereUsed.ShippedFrom)
			setTime("shippedTo", q.WhereUsed.ShippedTo)
		}
		for _, s := range q.Recall.Suspects {
			v.Add("suspect", string(s))
		}
		setTime("asOf", asOf)
		if history {
			v.Set("history", "true")
		}
		if !q.Evidence {
			v.Set("evidence", "false")
		}
	case Process:
		p := q.Process
		set("station", p.Station)
		set("recipe", p.Recipe)
		set("step", p.Step)
		set("parameter", p.Parameter)
		setTime("from", p.From)
		setTime("to", p.To)
		setFloat("min", p.Min)
		setFloat("max", p.Max)
	case Test:
		t := q.Test
		set("testType", t.TestType)
		set("measurement", t.Measurement)
		set("firmwareVersion", t.FirmwareVersion)
		set("firmwareChecksum", t.FirmwareChecksum)
		setTime("from", t.From)
		setTime("to", t.To)
		if t.WithinPercent != 0 {
			setFloat("withinPercent", &t.WithinPercent)
		}
		if t.Failed {
			v.Set("failed", "true")
		}
	}
	if m != nil {
		for _, k := range []string{"partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin", "dateCodeFrom", "dateCodeTo"} {
			set(k, *materialField(m, k))
		}
	}
	return v
}

func parseTime(k, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s=%q is not an RFC 3339 time (e.g. 2026-03-01T08:00:00Z)", k, s)
	}
	return t, nil
}

func parseBool(k, s string, def bool) (bool, error) {
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return def, tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s=%q is not true or false", k, s)
	}
	return b, nil
}

func parseFloat(k, s string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s=%q is not a number", k, s)
	}
	return &f, nil
}
