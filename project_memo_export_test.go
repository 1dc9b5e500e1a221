package tracegraph

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// ProjectBatchCheckingMemo is ProjectBatch whose memo checks every line
// side it keeps, when kept and again once the batch is projected (nothing
// changes a kept one, nor one an earlier batch over the same Tx kept):
// decoding its texts gives it, and texts it says save wrote are what save
// writes for it, each slot's entry where it says. It returns the number of
// line sides kept and what failed.
func ProjectBatchCheckingMemo(ctx context.Context, base GraphReader, events []*Event, opts ApplyOptions, firstSeq uint64) (*BatchResult, int, []error) {
	var kept []*lineSideMemo
	var errs []error
	m := newMemo(base)
	m.verify = func(c *lineSideMemo) {
		kept = append(kept, c)
		if err := checkKept(c); err != nil {
			errs = append(errs, err)
		}
	}
	res, err := projectBatch(ctx, base, events, opts, firstSeq, m)
	if err != nil {
		errs = append(errs, err)
	}
	// What the batches before kept, too.
	for _, c := range m.stations.entries() {
		kept = append(kept, c)
	}
	for _, c := range kept {
		if err := checkKept(c); err != nil {
			errs = append(errs, fmt.Errorf("after the batch: %w", err))
		}
	}
	return res, len(kept), errs
}

// checkKept checks the line side c keeps against its texts.
func checkKept(c *lineSideMemo) error {
	props := map[string]any{propSetups: c.setups, propActivations: c.activations, propFeeders: c.feeders}
	if !c.actSince.IsZero() {
		props[propActivationsSince] = ts(c.actSince)
	}
	got, err := decodeLineSide(&Node{ID: c.ls.node.ID, Props: props})
	if err != nil {
		return fmt.Errorf("%s: decode the kept texts: %w", c.ls.node.ID, err)
	}
	ls := c.ls
	// jsonText writes what the rules read of them: times with their offsets,
	// nil and empty lists apart.
	for _, x := range [][2]any{{got.setups, ls.setups}, {got.activations, ls.activations}, {got.feeders, ls.feeders}} {
		if d, k := jsonText(x[0]), jsonText(x[1]); d != k {
			return fmt.Errorf("%s: the texts decode to %s, the memo keeps %s", ls.node.ID, d, k)
		}
	}
	if !got.actSince.Equal(ls.actSince) || !c.actSince.Equal(ls.actSince) {
		return fmt.Errorf("%s: activations since %v, the memo keeps %v (%v)", ls.node.ID, got.actSince, ls.actSince, c.actSince)
	}
	if !c.written {
		return nil
	}
	if c.setups != setupsText(ls.setups) || c.activations != activationsText(ls.activations) || c.feeders != feedersText(ls.feeders) {
		return fmt.Errorf("%s: kept texts are not save's", ls.node.ID)
	}
	if c.spans == nil {
		return nil
	}
	if !slices.Equal(c.slots, slices.Sorted(maps.Keys(ls.feeders))) || len(c.spans) != len(c.slots) {
		return fmt.Errorf("%s: slots %q, the feeders have %q", ls.node.ID, c.slots, slices.Sorted(maps.Keys(ls.feeders)))
	}
	for i, slot := range c.slots {
		one := feedersText(map[string]*feeder{slot: ls.feeders[slot]})
		if want, have := one[1:len(one)-1], c.feeders[c.spans[i].from:c.spans[i].to]; want != have {
			return fmt.Errorf("%s: slot %s's entry is %s, the span says %s", ls.node.ID, slot, want, have)
		}
	}
	return nil
}

// entries returns the line sides m keeps (none when m is nil).
func (m *LineSideMemo) entries() []*lineSideMemo {
	if m == nil {
		return nil
	}
	return slices.Collect(maps.Values(m.stations))
}

// AsRecorded returns e as a store reads it from its log: without the
// payload it was decoded with (Payload decodes its data).
func AsRecorded(e *Event) *Event {
	c := *e
	c.payload = nil
	return &c
}

// ProjectBatchProjecting is ProjectBatch with every event projected in a
// Tx of its own over the batch's (layered), as all were before undoLog, or
// else counting in fallbacks (by why) the events that fell back to one.
func ProjectBatchProjecting(ctx context.Context, base GraphReader, events []*Event, opts ApplyOptions, firstSeq uint64, layered bool, fallbacks map[string]int) (*BatchResult, error) {
	m := newMemo(base)
	m.layered, m.fallbacks = layered, fallbacks
	return projectBatch(ctx, base, events, opts, firstSeq, m)
}

// ProjectBatchRollingBack is ProjectBatch checking that each event taken
// out of its batch's Tx (refused, or fallen back) leaves the Tx as it was
// before the event: every map and list. It returns the number of events
// taken out and what differed.
func ProjectBatchRollingBack(ctx context.Context, base GraphReader, events []*Event, opts ApplyOptions, firstSeq uint64) (*BatchResult, int, []error) {
	m := newMemo(base)
	var n int
	var errs []error
	m.rolledBack = func(tx *Tx) func() {
		before := overlayText(tx)
		return func() {
			n++
			if after := overlayText(tx); after != before {
				errs = append(errs, fmt.Errorf("event %s taken out:\nbefore %s\nafter  %s", tx.ev.ID, before, after))
			}
		}
	}
	res, err := projectBatch(ctx, base, events, opts, firstSeq, m)
	if err != nil {
		errs = append(errs, err)
	}
	return res, n, errs
}

// overlayText writes what tx's overlay holds (fmt sorts maps' keys).
func overlayText(tx *Tx) string {
	lists := map[ID][]EdgeID{}
	for id, e := range tx.added.ends {
		var l []EdgeID
		for k := e.first; k >= 0; k = tx.added.links[k].next {
			l = append(l, tx.added.links[k].eid)
		}
		if l[len(l)-1] != tx.added.links[e.last].eid {
			l = append(l, 0) // the list does not end at its last link
		}
		lists[id] = l
	}
	heldBy := map[string]string{}
	for h, m := range tx.heldBy {
		heldBy[h] = fmt.Sprint(m)
	}
	return fmt.Sprint(tx.nodes, tx.edges, lists, len(tx.added.links), tx.holds, heldBy, tx.idAdd, tx.idDel,
		tx.voided, tx.events, len(tx.Mutations()))
}
