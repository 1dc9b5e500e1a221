package cfx

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// The messages of a work transaction: WorkStarted names its units,
// UnitsProcessed carries the process data, WorkCompleted its result.

// MaxParameters bounds the parameters one process record takes from a
// message's process data; the rest are left out (and the record says so).
const MaxParameters = 500

// workStarted: a process record of the transaction (step WorkStarted, with
// the recipe, lane and work order; its id named after the transaction, so
// that later messages find its units), then, at a station that runs setups,
// a placement of each unit (unit.placed), from which tracegraph derives
// what the station's feeder slots put on it.
func (m *Mapper) workStarted(ctx context.Context, b *builder) error {
	var body workStarted
	if err := b.body(&body); err != nil {
		return err
	}
	units, err := m.listed(b, body.Units, body.PrimaryIdentifier, true)
	if err != nil {
		return err
	}
	tx := strings.TrimSpace(body.TransactionID)
	if tx == "" {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "TransactionID", "WorkStarted needs a TransactionID")
	}
	params := map[string]any{"transaction": tx}
	if body.Lane != nil {
		params["lane"] = float64(*body.Lane)
	}
	setText(params, "surface", body.RelevantSurface)
	if wo := body.WorkOrderIdentifier; wo != nil {
		setText(params, "workOrder", wo.WorkOrderID)
		setText(params, "batch", wo.Batch)
	}
	if err := b.addID(transactionEventID(tx), tracegraph.EventProcessRecorded, &tracegraph.ProcessRecorded{
		Units: units, Step: "WorkStarted", Recipe: program(body.RecipeName, body.Revision), Parameters: params}); err != nil {
		return err
	}
	return m.placed(ctx, b, units)
}

// workCompleted: a process record (step WorkCompleted) with the result, for
// the units it names or else its transaction's.
func (m *Mapper) workCompleted(ctx context.Context, b *builder) error {
	var body workCompleted
	if err := b.body(&body); err != nil {
		return err
	}
	units, err := m.listed(b, body.Units, body.PrimaryIdentifier, false)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		if units, err = m.transactionUnits(ctx, "TransactionID", body.TransactionID); err != nil {
			return err
		}
	}
	res, _ := result(body.Result)
	params := map[string]any{}
	setText(params, "transaction", body.TransactionID)
	setText(params, "workResult", body.Result)
	return b.add("0", tracegraph.EventProcessRecorded, &tracegraph.ProcessRecorded{
		Units: units, Step: "WorkCompleted", Parameters: params, Result: res})
}

// unitsProcessed: a process record of the transaction's units with the
// common process data as parameters (flattened: ZoneData[0].Setpoints[1].Setpoint),
// and one more for each unit that has data of its own. The step is the
// process data's kind: the namespace of its $type (SolderReflow,
// SolderPastePrinting, Coating, ...).
func (m *Mapper) unitsProcessed(ctx context.Context, b *builder) error {
	var body unitsProcessed
	if err := b.body(&body); err != nil {
		return err
	}
	step := processStep(body.CommonProcessData)
	var named []unitRef
	for _, u := range body.UnitProcessData {
		named = append(named, u.unitRef)
	}
	units, err := m.units("UnitProcessData", named)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		if units, err = m.transactionUnits(ctx, "TransactionId", body.TransactionID); err != nil {
			return err
		}
	}
	params, err := flatten(body.CommonProcessData)
	if err != nil {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "CommonProcessData", "CommonProcessData does not decode: %v", err)
	}
	setText(params, "transaction", body.TransactionID)
	res, _ := result(body.OverallResult)
	if err := b.add("0", tracegraph.EventProcessRecorded, &tracegraph.ProcessRecorded{
		Units: units, Step: step, Parameters: params, Result: res}); err != nil {
		return err
	}
	for i, u := range body.UnitProcessData {
		if len(u.UnitProcessData) == 0 || string(u.UnitProcessData) == "null" {
			continue
		}
		unit, err := m.unit(fmt.Sprintf("UnitProcessData[%d]", i), u.unitRef)
		if err != nil {
			return err
		}
		p, err := flatten(u.UnitProcessData)
		if err != nil {
			return tracegraph.Errorf(tracegraph.CodeInvalid, fmt.Sprintf("UnitProcessData[%d].UnitProcessData", i), "process data does not decode: %v", err)
		}
		setText(p, "transaction", body.TransactionID)
		r, _ := result(u.UnitResult)
		if err := b.add(strconv.Itoa(i+1), tracegraph.EventProcessRecorded, &tracegraph.ProcessRecorded{
			Units: []string{unit}, Step: processStep(u.UnitProcessData), Parameters: p, Result: r}); err != nil {
			return err
		}
	}
	return nil
}

// processStep names a process by its data's $type: the namespace
// ("CFX.Structures.SolderReflow.ReflowProcessData, CFX": SolderReflow), or
// "process" when there is none.
func processStep(data json.RawMessage) string {
	var v struct {
		Type string `json:"$type"`
	}
	_ = json.Unmarshal(data, &v)
	name := strings.TrimSpace(strings.SplitN(v.Type, ",", 2)[0])
	parts := strings.Split(name, ".")
	if len(parts) >= 2 && parts[len(parts)-2] != "Structures" {
		return parts[len(parts)-2]
	}
	if name != "" {
		return parts[len(parts)-1]
	}
	return "process"
}

// flatten turns process data into parameters: every string, number and
// boolean under its path, $type and nulls left out, at most MaxParameters
// (in path order; "truncated" says how many more there were).
func flatten(data json.RawMessage) (map[string]any, error) {
	params := map[string]any{}
	if len(data) == 0 || string(data) == "null" {
		return params, nil
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	walkJSON("", v, params)
	if len(params) > MaxParameters {
		keys := make([]string, 0, len(params))
		for k := range params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys[MaxParameters:] {
			delete(params, k)
		}
		params["truncated"] = float64(len(keys) - MaxParameters)
	}
	return params, nil
}

func walkJSON(path string, v any, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if k == "$type" {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			walkJSON(p, c, out)
		}
	case []any:
		for i, c := range x {
			walkJSON(fmt.Sprintf("%s[%d]", path, i), c, out)
		}
	case string, float64, bool:
		if path != "" {
			out[path] = x
		}
	}
}
