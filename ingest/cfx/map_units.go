package cfx

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/tracegraph/tracegraph"
)

// The messages about units: personalization, tests and inspections,
// repairs, disqualification.

// schemes maps CFX characteristic names onto identifier schemes; any other
// name becomes its letters and digits, upper-cased ("License Key":
// LICENSEKEY).
var schemes = map[string]string{
	"mac address": "MAC", "mac": "MAC", "imei": "IMEI", "ipei": "IPEI", "meid": "MEID", "iccid": "ICCID",
	"serial number": "CUSTOMER", "customer serial": "CUSTOMER",
}

func scheme(name string) string {
	if s, ok := schemes[strings.ToLower(strings.TrimSpace(name))]; ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, name)
}

// unitsPersonalized: each characteristic is an additional number of the
// unit (identifier.assigned).
func (m *Mapper) unitsPersonalized(_ context.Context, b *builder) error {
	var body unitsPersonalized
	if err := b.body(&body); err != nil {
		return err
	}
	for i, pu := range body.PersonalizedUnits {
		unit, err := m.unit(fmt.Sprintf("PersonalizedUnits[%d]", i), pu.unitRef)
		if err != nil {
			return err
		}
		for j, c := range pu.Characteristics {
			field := fmt.Sprintf("PersonalizedUnits[%d].Characteristics[%d]", i, j)
			s := scheme(c.Name)
			if s == "" {
				return tracegraph.Errorf(tracegraph.CodeInvalid, field+".Name", "a characteristic's Name is required (e.g. MAC Address)")
			}
			if err := b.add(fmt.Sprintf("%d.%d", i, j), tracegraph.EventIdentifierAssigned,
				&tracegraph.IdentifierAssigned{Unit: unit, Scheme: s, Value: strings.TrimSpace(c.Value)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// testType is the test type of the sender's tests: Options.TestTypes, or
// else fallback.
func (m *Mapper) testType(b *builder, fallback string) string {
	if t := m.Options.TestTypes[b.env.Source]; t != "" {
		return t
	}
	return fallback
}

func program(recipe, revision string) string {
	if revision != "" && recipe != "" {
		return recipe + " rev " + revision
	}
	return recipe
}

// unitsTested: one test.recorded per tested unit, with the numeric and
// boolean measurements of its tests and their limits. A unit whose overall
// result is Skipped (sampling) records nothing.
func (m *Mapper) unitsTested(_ context.Context, b *builder) error {
	var body unitsTested
	if err := b.body(&body); err != nil {
		return err
	}
	b.setOperator(body.Tester)
	for i, tu := range body.TestedUnits {
		field := fmt.Sprintf("TestedUnits[%d]", i)
		var ms []tracegraph.Measurement
		for _, t := range tu.Tests {
			ms = appendMeasurements(ms, t.TestName, t.Measurements, t.SymptomsFound)
		}
		if err := m.addTest(b, i, field, tu.unitRef, tu.OverallResult, m.testType(b, "TEST"), program(body.RecipeName, body.RecipeRevision), ms); err != nil {
			return err
		}
	}
	return nil
}

// inspectionTypes are the test types of CFX's inspection methods.
var inspectionTypes = map[string]string{"aoi": "AOI", "spi": "SPI", "axi": "AXI", "human": "VISUAL"}

// unitsInspected: like unitsTested, one test.recorded per inspected unit.
func (m *Mapper) unitsInspected(_ context.Context, b *builder) error {
	var body unitsInspected
	if err := b.body(&body); err != nil {
		return err
	}
	b.setOperator(body.Inspector)
	fallback := inspectionTypes[strings.ToLower(body.InspectionMethod)]
	if fallback == "" {
		fallback = "INSPECTION"
	}
	for i, iu := range body.InspectedUnits {
		field := fmt.Sprintf("InspectedUnits[%d]", i)
		var ms []tracegraph.Measurement
		for _, in := range iu.Inspections {
			ms = appendMeasurements(ms, in.InspectionName, in.Measurements, in.Symptoms)
		}
		if err := m.addTest(b, i, field, iu.unitRef, iu.OverallResult, m.testType(b, fallback), program(body.RecipeName, body.RecipeRevision), ms); err != nil {
			return err
		}
	}
	return nil
}

func (m *Mapper) addTest(b *builder, i int, field string, u unitRef, overall, testType, prog string, ms []tracegraph.Measurement) error {
	res, ok := result(overall)
	if !ok {
		if strings.TrimSpace(overall) == "" {
			return tracegraph.Errorf(tracegraph.CodeInvalid, field+".OverallResult", "OverallResult is required")
		}
		return nil // Skipped: not tested
	}
	unit, err := m.unit(field, u)
	if err != nil {
		return err
	}
	return b.add(strconv.Itoa(i), tracegraph.EventTestRecorded, &tracegraph.TestRecorded{
		Unit: unit, TestType: testType, Result: res, Program: prog, Measurements: ms})
}

// appendMeasurements appends the measurements of one test, those of its
// symptoms included, named after the measurement (or else its component
// designators, or the test): a numeric one with its unit and limits, a
// boolean one as 1 or 0, and of any other kind (solder paste, placement
// offsets) each number as <name>.<field> (X, Vol, DX; the expected values
// EX, EVol left out). At most tracegraph.MaxListLen in all.
func appendMeasurements(ms []tracegraph.Measurement, testName string, own []measurement, symptoms []symptom) []tracegraph.Measurement {
	all := own
	for _, s := range symptoms {
		all = append(all, s.RelatedMeasurements...)
	}
	for _, c := range all {
		name := firstText(c.MeasurementName, c.CRDs, testName)
		if name == "" {
			continue
		}
		mt := tracegraph.Measurement{Name: name}
		if r, ok := result(c.Result); ok {
			mt.Result = r
		}
		switch {
		case c.MeasuredValue != nil && c.MeasuredValue.Value != nil:
			mv := c.MeasuredValue
			mt.Value, mt.Unit, mt.Low, mt.High = *mv.Value, mv.ValueUnits, mv.MinimumAcceptableValue, mv.MaximumAcceptableValue
			ms = append(ms, mt)
		case len(c.Value) > 0:
			var v bool
			if json.Unmarshal(c.Value, &v) != nil {
				continue
			}
			if v {
				mt.Value = 1
			}
			ms = append(ms, mt)
		default:
			for _, k := range slices.Sorted(maps.Keys(c.fields)) {
				v, ok := c.fields[k].(float64)
				if !ok || k == "Sequence" || isExpected(k, c.fields) {
					continue
				}
				f := mt
				f.Name, f.Value = name+"."+k, v
				ms = append(ms, f)
			}
		}
		if len(ms) >= tracegraph.MaxListLen {
			return ms[:tracegraph.MaxListLen]
		}
	}
	return ms
}

// isExpected reports whether field k is the expected value of another field
// (EX of X, EVol of Vol).
func isExpected(k string, fields map[string]any) bool {
	rest, ok := strings.CutPrefix(k, "E")
	if !ok || rest == "" {
		return false
	}
	_, other := fields[rest]
	return other
}

func firstText(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// unitsRepaired: one process record (step "repair") per repaired unit, with
// each repair's name, reference designator and comments as parameters.
func (m *Mapper) unitsRepaired(_ context.Context, b *builder) error {
	var body unitsRepaired
	if err := b.body(&body); err != nil {
		return err
	}
	b.setOperator(body.RepairOperator)
	for i, ru := range body.RepairedUnits {
		field := fmt.Sprintf("RepairedUnits[%d]", i)
		unit, err := m.unit(field, ru.unitRef)
		if err != nil {
			return err
		}
		params := map[string]any{}
		if body.TransactionID != "" {
			params["transaction"] = body.TransactionID
		}
		for j, r := range ru.Repairs {
			p := fmt.Sprintf("repairs[%d].", j)
			setText(params, p+"name", r.RepairName)
			setText(params, p+"comments", r.Comments)
			setText(params, p+"result", r.Result)
			if c := r.ComponentOfInterest; c != nil {
				setText(params, p+"refDes", c.ReferenceDesignator)
				setText(params, p+"partNumber", c.PartNumber)
			}
		}
		res, _ := result(ru.OverallResult)
		if err := b.add(strconv.Itoa(i), tracegraph.EventProcessRecorded, &tracegraph.ProcessRecorded{
			Units: []string{unit}, Step: "repair", Parameters: params, Result: res}); err != nil {
			return err
		}
	}
	return nil
}

// unitsDisqualified: each unit is scrapped, with the reason and comments.
func (m *Mapper) unitsDisqualified(_ context.Context, b *builder) error {
	var body unitsDisqualified
	if err := b.body(&body); err != nil {
		return err
	}
	units, err := m.listed(b, body.Units, body.PrimaryIdentifier, true)
	if err != nil {
		return err
	}
	var parts []string
	for _, p := range []string{body.Reason, body.Comments} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	reason := strings.Join(parts, ": ")
	if reason == "" {
		reason = "disqualified (CFX UnitsDisqualified)"
	}
	for i, u := range units {
		if err := b.add(strconv.Itoa(i), tracegraph.EventUnitScrapped, &tracegraph.UnitScrapped{Unit: u, Reason: reason}); err != nil {
			return err
		}
	}
	return nil
}

// setText sets params[k] to s when s is not empty.
func setText(params map[string]any, k, s string) {
	if s = strings.TrimSpace(s); s != "" {
		params[k] = s
	}
}
