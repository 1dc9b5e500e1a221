// The rules of tests, process steps and readings.

package tracegraph

import (
	"encoding/json"
	"maps"
)

func (tx *Tx) testRecorded(d *TestRecorded) error {
	u, err := tx.resolveView("unit", d.Unit, LabelUnit)
	if err != nil {
		return err
	}
	// Made for all its props (see lotReceived).
	n := 4 + nonEmpty(d.Program, d.Fixture, tx.ev.Station, tx.ev.Operator) +
		trues(len(d.Measurements) > 0, d.Firmware != nil)
	props := make(map[string]any, n)
	st := tx.strs()
	props["testType"], props["result"], props["at"], props["unit"] = st.box(d.TestType), st.box(d.Result), ts(tx.now()), string(u.ID)
	st.set(props, "program", d.Program)
	st.set(props, "fixture", d.Fixture)
	st.set(props, "station", tx.ev.Station)
	st.set(props, "operator", tx.ev.Operator)
	if len(d.Measurements) > 0 {
		props["measurements"] = measurementsValue(d.Measurements, st)
	}
	if d.Firmware != nil {
		props["firmware"] = firmwareValue(d.Firmware)
	}
	t := tx.newNode(LabelTestRun, tx.ev.ID, props)
	return tx.addEdgeErr(EdgeTestedBy, u.ID, t.ID, PrecisionExact, nil)
}

// jsonValue turns a payload part into plain JSON values for Props.
func jsonValue(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func (tx *Tx) processRecorded(d *ProcessRecorded) error {
	units := make([]*Node, len(d.Units))
	for i, ref := range d.Units {
		u, err := tx.resolveView("units", ref, LabelUnit)
		if err != nil {
			// Resolved again (a read) only to name the entry.
			if _, named := tx.resolveView(indexed("units", i), ref, LabelUnit); named != nil {
				return named
			}
			return err
		}
		units[i] = u
	}
	st := tx.strs()
	props := map[string]any{"step": st.box(d.Step), "at": ts(tx.now()), "unitCount": num(float64(len(units)))}
	st.set(props, "recipe", d.Recipe)
	st.set(props, "result", d.Result)
	st.set(props, "station", tx.ev.Station)
	st.set(props, "operator", tx.ev.Operator)
	if len(d.Parameters) > 0 {
		// Shared with the payload: neither is changed in place (a node's
		// props are copied to be changed, GetNode).
		props["parameters"] = d.Parameters
	}
	p := tx.newNode(LabelProcessStep, tx.ev.ID, props)
	for _, u := range units {
		if err := tx.addEdgeErr(EdgeProcessedBy, u.ID, p.ID, PrecisionExact, nil); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) readingRecorded(d *ReadingRecorded) error {
	n, err := tx.nodeOrNew(LabelStation, d.Location, map[string]any{"station": d.Location})
	if err != nil {
		return err
	}
	last, _ := n.Props["lastReadings"].(map[string]any)
	last = maps.Clone(last)
	if last == nil {
		last = map[string]any{}
	}
	last[d.Kind] = map[string]any{"value": d.Value, "unit": d.Unit, "at": ts(tx.now()), "event": tx.ev.ID}
	n.Props["lastReadings"] = last
	tx.putNode(n)
	return nil
}
