package tracegraph

import (
	"maps"
	"slices"
	"time"
)

// memo keeps, for one ProjectBatch, what the rules decoded and would
// otherwise decode again for every event: the setup definitions and the
// stations' line-side state every placement and feeder event reads. The Tx
// of the batch and the Tx of each of its events share it. What it keeps is
// never changed by its readers.
type memo struct {
	// setupDefs holds the payloads of recorded setup.defined events by id:
	// a recorded event never changes.
	setupDefs map[string]*SetupDefined
	// stations holds a station's line side with the property texts it was
	// decoded from or saved as: it stands for the node while they are the
	// same. It may be the base Tx's (Tx.lineSides), shared by the batches
	// projected over it and, given by a store's writer, by its groups (nil:
	// none yet; made by keep).
	stations *LineSideMemo
	// slots holds the edge props of the slots of the setups in setupDefs
	// when there is no stations memo to keep them (slotValues).
	slots map[*SetupDefined][]slotValues
	// verify makes every line side kept check that decoding its texts
	// gives it (tests only; see checkKept).
	verify func(*lineSideMemo)
	// layered makes every event of the batch be projected in a Tx of its
	// own over the batch's, as all were before undoLog (tests only).
	layered bool
	// fallbacks counts the events that fell back to a Tx of their own, by
	// why (tests only; nil: not counted).
	fallbacks map[string]int
	// rolledBack, called before an event is projected into the batch's
	// Tx, returns what to call when it is taken out again (tests only).
	rolledBack func(*Tx) func()
}

// lineSideMemo is a station's line side as decoded from the texts of its
// properties, or as saved into them.
type lineSideMemo struct {
	setups, activations, feeders string
	actSince                     time.Time
	// ls is read only: a line side to change is copied from it (borrow).
	ls *lineSide
	// written: the texts are save's own (not a text from elsewhere that
	// decodes to the same), so they are what save would write for ls.
	written bool
	// slots are ls.feeders' keys in order and spans where each slot's entry
	// is in the feeders text (nil: not known).
	slots []string
	spans []textSpan
}

// textSpan is the part [from, to) of a text.
type textSpan struct{ from, to int }

// setupDef returns the decoded definition of the setup.defined event defID,
// decoding it on first use.
func (m *memo) setupDef(tx *Tx, defID string) (*SetupDefined, error) {
	if d, ok := m.setupDefs[defID]; ok {
		return d, nil
	}
	d, err := tx.readSetupDef(defID, m.stations)
	if err != nil {
		return nil, err
	}
	mk(&m.setupDefs)[defID] = d
	return d, nil
}

// slotValues returns the edge props of the slots of sd, made on first use.
// They are kept with the stations' line sides when the batch has them
// (the setup definitions decoded from the log are kept there too, so the
// next batches derive with the same values), else for the batch.
func (m *memo) slotValues(sd *SetupDefined) []slotValues {
	slots := &m.slots
	if m.stations != nil {
		slots = &m.stations.slots
	}
	vs, ok := (*slots)[sd]
	if !ok {
		if len(*slots) >= maxSetupDefs {
			clear(*slots)
		}
		vs = make([]slotValues, len(sd.Slots))
		for k, s := range sd.Slots {
			vs[k] = slotValues{s.Slot, toAny(s.RefDes)}
		}
		mk(slots)[sd] = vs
	}
	return vs
}

// station returns what the memo keeps for the station node n while n's
// line-side properties are the texts it was kept for (nil: nothing).
func (m *memo) station(n *Node) *lineSideMemo {
	c := m.stations.get(n.ID)
	if c == nil {
		return nil
	}
	setups, ok1 := n.Props[propSetups].(string)
	acts, ok2 := n.Props[propActivations].(string)
	feeders, ok3 := n.Props[propFeeders].(string)
	if !ok1 || !ok2 || !ok3 || c.setups != setups || c.activations != acts || c.feeders != feeders ||
		!c.actSince.Equal(n.Time(propActivationsSince)) {
		return nil
	}
	return c
}

// keep remembers c for its station, in place of what was kept for it.
func (m *memo) keep(c *lineSideMemo) {
	if m.verify != nil {
		m.verify(c)
	}
	if m.stations == nil {
		m.stations = NewLineSideMemo(0)
	}
	m.stations.put(c)
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
	if c := m.station(n); c != nil {
		return c.ls, nil
	}
	setups, ok1 := n.Props[propSetups].(string)
	acts, ok2 := n.Props[propActivations].(string)
	feeders, ok3 := n.Props[propFeeders].(string)
	if !ok1 || !ok2 || !ok3 {
		// Not (all) kept as text: decoded each time, as lineSide does.
		return decodeLineSide(n)
	}
	ls, err := decodeLineSide(n)
	if err != nil {
		return nil, err
	}
	m.keep(&lineSideMemo{setups: setups, activations: acts, feeders: feeders, actSince: n.Time(propActivationsSince), ls: ls})
	return ls, nil
}

// borrow returns a line side of the station node n to change, equal to
// c's: it shares c's feeders until it changes one (lineSide.feeder), and
// its setups and activations until it changes them.
func (c *lineSideMemo) borrow(n *Node) *lineSide {
	return &lineSide{node: n, setups: c.ls.setups, activations: slices.Clip(c.ls.activations), actSince: c.ls.actSince,
		feeders: maps.Clone(c.ls.feeders), from: c}
}
