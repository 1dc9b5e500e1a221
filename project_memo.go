package tracegraph

import "time"

// memo keeps, for one ProjectBatch, what the rules decoded and would
// otherwise decode again for every event: the setup definitions and the
// stations' line-side state every placement reads. The Tx of the batch and
// the Tx of each of its events share it. What it keeps is never changed by
// its readers.
type memo struct {
	// setupDefs holds the payloads of recorded setup.defined events by id:
	// a recorded event never changes.
	setupDefs map[string]*SetupDefined
	// stations holds a station's decoded line side with the property texts
	// it was decoded from: it stands for the node while they are the same.
	stations map[ID]*lineSideMemo
	// slots holds the edge props of the slots of the setups in setupDefs.
	slots map[*SetupDefined][]slotValues
}

// lineSideMemo is a station's line side as decoded from the texts of its
// properties.
type lineSideMemo struct {
	setups, activations, feeders string
	actSince                     time.Time
	ls                           *lineSide
}

// setupDef returns the decoded definition of the setup.defined event defID,
// decoding it on first use.
func (m *memo) setupDef(tx *Tx, defID string) (*SetupDefined, error) {
	if d, ok := m.setupDefs[defID]; ok {
		return d, nil
	}
	d, err := tx.readSetupDef(defID)
	if err != nil {
		return nil, err
	}
	mk(&m.setupDefs)[defID] = d
	return d, nil
}

// lineSideView returns the station's line side for reading only: the same
// value while the station's line-side properties stay the same text. The
// caller must not change it, nor its node.
func (m *memo) lineSideView(tx *Tx, station string) (*lineSide, error) {
	n, err := tx.ViewNode(tx.ctx, NewID(LabelStation, station))
	if err != nil {
		return nil, err
	}
	if n == nil {
		return tx.lineSide(station)
	}
	setups, ok1 := n.Props[propSetups].(string)
	acts, ok2 := n.Props[propActivations].(string)
	feeders, ok3 := n.Props[propFeeders].(string)
	if !ok1 || !ok2 || !ok3 {
		// Not (all) kept as text: decoded each time, as lineSide does.
		return decodeLineSide(n)
	}
	since := n.Time(propActivationsSince)
	if c := m.stations[n.ID]; c != nil && c.setups == setups && c.activations == acts && c.feeders == feeders &&
		c.actSince.Equal(since) {
		return c.ls, nil
	}
	ls, err := decodeLineSide(n)
	if err != nil {
		return nil, err
	}
	mk(&m.stations)[n.ID] = &lineSideMemo{setups: setups, activations: acts, feeders: feeders, actSince: since, ls: ls}
	return ls, nil
}
