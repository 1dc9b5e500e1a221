package report

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// The IPC-1782 level report (tracegraph.TraceabilityLevel) over HTTP:
//
//	GET /api/v1/reports/traceability-level?partNumber=900-TH100[&format=json|csv]
//
// with exactly one of unit, workOrder and partNumber. JSON (the default) is
// the GraphQL answer of traceabilityLevel; CSV has one row per BOM line and
// process step with its units by level and its gaps (LevelCSV).

// LevelPath is the path of the level report.
const LevelPath = "/api/v1/reports/traceability-level"

// JSON is the level report's default format.
const JSON = "json"

// LevelParams are the query parameters the level report accepts.
func LevelParams() []string { return []string{"unit", "workOrder", "partNumber", "format"} }

// ParseLevelQuery reads a level report's question and format (JSON, the
// default, or CSV) from URL query parameters. Unknown or repeated
// parameters and bad values are INVALID errors naming the parameter.
func ParseLevelQuery(v url.Values) (tracegraph.LevelRequest, string, error) {
	allowed := LevelParams()
	for k, vs := range v {
		if !slices.Contains(allowed, k) {
			return tracegraph.LevelRequest{}, "", tracegraph.Errorf(tracegraph.CodeInvalid, k, "unknown parameter %q for the level report (one of %s)", k, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return tracegraph.LevelRequest{}, "", tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s is given %d times; give it once", k, len(vs))
		}
	}
	req := tracegraph.LevelRequest{Unit: tracegraph.ID(v.Get("unit")), WorkOrder: v.Get("workOrder"), PartNumber: v.Get("partNumber")}
	format := v.Get("format")
	switch format {
	case "":
		format = JSON
	case JSON, CSV:
	default:
		return req, "", tracegraph.Errorf(tracegraph.CodeInvalid, "format", "format %q is not json or csv", format)
	}
	return req, format, req.Validate()
}

// LevelCSVColumns are the columns of the level report's CSV.
var LevelCSVColumns = []string{"assembly", "depth", "assemblyUnits", "kind", "lineKind", "line", "refDes", "optional", "level",
	"unitsNone", "units1", "units2", "units3", "units4", "gaps"}

// LevelCSV writes the report as CSV: one row per material line and process
// line of each assembly, levels by name (M1…, P1…), the units at each level,
// and the messages of the line's gaps separated by " | ".
func LevelCSV(rep *tracegraph.LevelReport) ([]byte, error) {
	gaps := map[[3]string][]string{}
	for _, g := range rep.Gaps {
		k := [3]string{g.Assembly, g.LineKind, g.Line}
		gaps[k] = append(gaps[k], g.Message)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(LevelCSVColumns)
	row := func(a *tracegraph.AssemblyLevel, kind, lineKind, line string, refDes []string, optional bool, level string, n tracegraph.LevelCounts) {
		r := []string{a.PartNumber, strconv.Itoa(a.Depth), strconv.Itoa(a.Units), kind, lineKind, line, strings.Join(refDes, " "),
			strconv.FormatBool(optional), level}
		for _, c := range n {
			r = append(r, strconv.Itoa(c))
		}
		_ = w.Write(append(r, strings.Join(gaps[[3]string{a.PartNumber, lineKind, line}], " | ")))
	}
	for i := range rep.Assemblies {
		a := &rep.Assemblies[i]
		for _, l := range a.MaterialLines {
			row(a, tracegraph.GapKindMaterial, l.Kind, l.PartNumber, l.RefDes, l.Optional, l.Level.Material(), l.Units)
		}
		for _, l := range a.ProcessLines {
			row(a, tracegraph.GapKindProcess, l.Kind, l.Name, nil, l.Optional, l.Level.Process(), l.Units)
		}
		if len(a.MaterialLines) == 0 {
			row(a, tracegraph.GapKindMaterial, "", "", nil, false, a.MaterialLevel.Material(), a.MaterialUnits)
		}
		if len(a.ProcessLines) == 0 {
			row(a, tracegraph.GapKindProcess, "", "", nil, false, a.ProcessLevel.Process(), a.ProcessUnits)
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
