package tracegraph

// DefaultLineSideMemoBytes bounds a LineSideMemo made with no bound of its
// own: a few thousand stations of the generated factory's size.
const DefaultLineSideMemoBytes = 16 << 20

// lineSideEntryCost is what an entry costs besides its texts: the map
// slot, the lineSideMemo, the lineSide and its maps' headers.
const lineSideEntryCost = 512

// LineSideMemo keeps the stations' line sides the rules decoded or saved,
// each with the exact property texts it stands for. The batches projected
// over one Tx share one (newMemo); a store's writer gives the same one to
// every group's Tx (Tx.KeepLineSides), so that a feeder, setup or placement
// event decodes its station's line side once per change of it, not once
// per group. An entry is used only while the station's texts are the ones
// it was kept for (memo.station), and what it keeps is never changed: it
// stays valid whatever became of the batch or group that kept it
// (committed, refused, failed, projected again), and a void or any other
// change of the station's texts just makes it unused until replaced.
//
// Its memory is bounded: the entries it holds cost at most its bound,
// counting each entry's texts three times (the texts, and the decoded line
// side about twice their size) and lineSideEntryCost more; a new entry
// beyond the bound drops others (any) until it fits. It is not safe for
// concurrent use: one goroutine at a time projects with it (a store's
// writer); readers never see it.
type LineSideMemo struct {
	stations   map[ID]*lineSideMemo
	bytes, max int
	// setupDefs are setup definitions decoded from the data of recorded
	// events, by event id; an entry is used only for an event of the same
	// data (setupDef), so it holds whatever became of the event since.
	setupDefs map[string]decodedSetup
	// slots are the edge props of the slots of the setups the rules
	// derived through (memo.slotValues), at most maxSetupDefs.
	slots map[*SetupDefined][]slotValues
	// strs are the string props boxed once for all the batches (Tx.strs),
	// bounded on their own (sharedSlots).
	strs sharedStrings
}

// decodedSetup is the definition data decodes to.
type decodedSetup struct {
	data string
	def  *SetupDefined
}

// maxSetupDefs bounds the setup definitions a LineSideMemo keeps.
const maxSetupDefs = 256

// NewLineSideMemo returns an empty memo of at most maxBytes
// (DefaultLineSideMemoBytes when maxBytes is not positive).
func NewLineSideMemo(maxBytes int) *LineSideMemo {
	if maxBytes <= 0 {
		maxBytes = DefaultLineSideMemoBytes
	}
	return &LineSideMemo{max: maxBytes}
}

// KeepLineSides makes the batches projected over tx keep the stations'
// line sides in m, and find there those kept by earlier ones over any
// other Tx given m. Only the goroutine projecting over tx may use m while
// it does.
func (tx *Tx) KeepLineSides(m *LineSideMemo) { tx.lineSides = m }

// cost is what c counts for in a memo's bound.
func (c *lineSideMemo) cost() int {
	return 3*(len(c.setups)+len(c.activations)+len(c.feeders)) + lineSideEntryCost
}

// get returns the entry kept for the station id (nil: none). m may be nil.
func (m *LineSideMemo) get(id ID) *lineSideMemo {
	if m == nil {
		return nil
	}
	return m.stations[id]
}

// put keeps c for its station in place of what was kept for it, dropping
// other entries while they would exceed the bound; c itself is dropped
// when it alone would.
func (m *LineSideMemo) put(c *lineSideMemo) {
	id := c.ls.node.ID
	if old, ok := m.stations[id]; ok {
		m.bytes -= old.cost()
		delete(m.stations, id)
	}
	cost := c.cost()
	if cost > m.max {
		return
	}
	for k, e := range m.stations {
		if m.bytes+cost <= m.max {
			break
		}
		m.bytes -= e.cost()
		delete(m.stations, k)
	}
	mk(&m.stations)[id] = c
	m.bytes += cost
}

// setupDef returns the definition kept for the setup.defined event id of
// this data (nil: none). m may be nil.
func (m *LineSideMemo) setupDef(id string, data []byte) *SetupDefined {
	if m == nil {
		return nil
	}
	if c, ok := m.setupDefs[id]; ok && c.data == string(data) {
		return c.def
	}
	return nil
}

// keepSetupDef keeps d, which the setup.defined event id of this data
// decodes to, dropping another (any) when maxSetupDefs are kept. m may be
// nil: nothing is kept.
func (m *LineSideMemo) keepSetupDef(id string, data []byte, d *SetupDefined) {
	if m == nil {
		return
	}
	if _, ok := m.setupDefs[id]; !ok && len(m.setupDefs) >= maxSetupDefs {
		for k := range m.setupDefs {
			delete(m.setupDefs, k)
			break
		}
	}
	mk(&m.setupDefs)[id] = decodedSetup{data: string(data), def: d}
}
