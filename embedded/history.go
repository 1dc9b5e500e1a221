package embedded

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/tracegraph/tracegraph"
)

// A node's history (what NodeEvents answers) is the events that changed it:
// those that put or voided it or changed its holds, and those that added or
// updated an edge from it, or to it unless its label is one of
// noEventIndex's.
//
// The part of the edges that were added needs no key of its own: an edge's
// ID holds the seq of the event that added it (tracegraph.NewEdgeID; the
// persister checks it), and the topology keeps every edge, voided and closed
// ones too, with both ends. So from the store's history mark on (m hist,
// format.go) an event stages a history entry (v) only for the nodes it put,
// voided, held, released or whose edges it updated (an update's seq is in
// no record), and not for those an edge it added names. NodeEvents reads the
// union of a node's entries and of its edges' seqs. Events before the mark
// (written by an older build, or replayed by verify for such a store) hold
// every entry, as they always did: the union reads them the same.

// noEventIndex reports whether changes to edges into nodes with label l are
// left out of their event history: lots, wafers and context nodes are touched
// by thousands of units' events; their history is their own creation.
func noEventIndex(l tracegraph.Label) bool {
	switch l {
	case tracegraph.LabelMaterialLot, tracegraph.LabelWaferBatch, tracegraph.LabelSupplier,
		tracegraph.LabelWorkOrder, tracegraph.LabelCustomer, tracegraph.LabelStation:
		return true
	}
	return false
}

// histEvent is the history entries of the event a commit is persisting,
// staged when its mutations end (the edges it adds come after the nodes it
// puts).
type histEvent struct {
	seq uint64
	// full: the event is before the store's history mark and stages every
	// entry, those its added edges imply too.
	full bool
	// touched: the nodes to stage an entry for (unless covered); covered:
	// the nodes that an edge the event added names at an end that counts.
	touched, covered []tracegraph.ID
}

func (h *histEvent) reset(seq uint64) {
	clear(h.touched)
	clear(h.covered)
	h.seq, h.touched, h.covered = seq, h.touched[:0], h.covered[:0]
}

// touchWindow is how many of an event's touched nodes touch looks back at
// for a repeat: an event's mutations name a node again soon after, and in
// the generated factory a window of 8 finds all but 0.1 % of the repeats;
// an entry staged twice is the same key and value again, so one missed
// costs a key, nothing else.
const touchWindow = 8

// historyAt readies the entries of event seq, staging those of the event
// before when seq is another's.
func (p *persister) historyAt(seq uint64) error {
	if seq == p.hist.seq && seq != 0 {
		return nil
	}
	if err := p.endHistory(); err != nil {
		return err
	}
	p.hist.reset(seq)
	p.hist.full = seq < p.s.histFrom
	return nil
}

// touch notes that event seq changed node id (other than by adding an edge).
func (p *persister) touch(id tracegraph.ID, seq uint64) error {
	if err := p.historyAt(seq); err != nil {
		return err
	}
	h := &p.hist
	if slices.Contains(h.touched[max(0, len(h.touched)-touchWindow):], id) {
		return nil
	}
	h.touched = append(h.touched, id)
	return nil
}

// touchEdge notes that event seq changed edge e: its source, and its target
// unless that is shared material or context.
func (p *persister) touchEdge(e *tracegraph.Edge, seq uint64) error {
	if err := p.touch(e.Source, seq); err != nil {
		return err
	}
	if noEventIndex(e.Target.Label()) {
		return nil
	}
	return p.touch(e.Target, seq)
}

// addedEdge notes that event seq added edge e, which implies the history
// entries of its ends from the mark on.
func (p *persister) addedEdge(e *tracegraph.Edge, seq uint64) error {
	if e.ID.Seq() != seq {
		return fmt.Errorf("edge %d names event %d in its id, not %d, the event adding it", e.ID, e.ID.Seq(), seq)
	}
	if err := p.historyAt(seq); err != nil {
		return err
	}
	if p.hist.full {
		return p.touchEdge(e, seq)
	}
	h := &p.hist
	h.covered = append(h.covered, e.Source)
	if !noEventIndex(e.Target.Label()) {
		h.covered = append(h.covered, e.Target)
	}
	return nil
}

// endHistory stages the current event's entries that its added edges do not
// imply.
func (p *persister) endHistory() error {
	h := &p.hist
	if len(h.touched) == 0 {
		return nil
	}
	covered := h.covered
	sorted := len(covered) > 32 // a large event: search the covered nodes by halves
	if sorted {
		slices.Sort(covered)
	}
	for _, id := range h.touched {
		if sorted {
			if _, ok := slices.BinarySearch(covered, id); ok {
				continue
			}
		} else if slices.Contains(covered, id) {
			continue
		}
		p.key = appendNodeEvKey(p.key[:0], id, h.seq)
		if err := p.set(p.key, nil); err != nil {
			return err
		}
	}
	h.reset(h.seq)
	return nil
}

// historySeqs appends to seqs the seqs of the events that added the edges
// in node id's history (see above). t's lock is held.
func (t *topo) historySeqs(id tracegraph.ID, seqs []uint64) []uint64 {
	i, ok := t.lookup(id)
	if !ok {
		return seqs
	}
	f := func(e uint32) bool {
		seqs = append(seqs, t.eid[e].Seq())
		return true
	}
	t.out.each(i, f)
	if !noEventIndex(id.Label()) {
		t.in.each(i, f)
	}
	return seqs
}

// nodeHistory returns the seqs of the events that changed node id, in
// order, as of the head: its edges' and its history entries.
func (s *Store) nodeHistory(id tracegraph.ID) ([]uint64, error) {
	s.mu.RLock()
	head := s.headSeq
	seqs := s.t.historySeqs(id, nil)
	s.mu.RUnlock()
	p := strKey(pNodeEv, string(id), "")
	err := s.scan(p, func(k, _ []byte) error {
		if len(k) != len(p)+8 {
			return &badRecordError{fmt.Sprintf("node history record %q", printable(k)), fmt.Errorf("key of %d bytes", len(k))}
		}
		// A commit after the topology was read: not yet published.
		if seq := binary.BigEndian.Uint64(k[len(p):]); seq <= head {
			seqs = append(seqs, seq)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(seqs)
	return slices.Compact(seqs), nil
}
