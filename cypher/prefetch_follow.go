package cypher

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// lineState is what prefetch reads of a Station node's line-side state
// (the props setups, activations and feeders, JSON text; project_lineside.go
// defines them): the events that define its setups and the lots on its
// slots. Fields it does not know are ignored; a layout it cannot read only
// means its lookups are made one by one, as before.
type lineState struct {
	Setups      map[string]string
	Activations []struct {
		Def  string    `json:"def"`
		From time.Time `json:"from"`
	}
	Feeders map[string]struct {
		Reels []lineReel `json:"reels"`
	}
}

// lineReel is a lot on a slot from a load until To (zero: still there).
type lineReel struct {
	Lot tracegraph.ID `json:"lot"`
	To  time.Time     `json:"to"`
}

// live reports whether the reel can feed, or be rederived, at or after t.
func (r lineReel) live(t time.Time) bool { return r.To.IsZero() || !r.To.Before(t) }

// readLineState decodes a Station node's line-side props; ok is false when
// one of them is not what prefetch expects.
func readLineState(n *tracegraph.Node) (ls lineState, ok bool) {
	for k, v := range map[string]any{"setups": &ls.Setups, "activations": &ls.Activations, "feeders": &ls.Feeders} {
		text, isText := n.Props[k].(string)
		if _, present := n.Props[k]; present && (!isText || json.Unmarshal([]byte(text), v) != nil) {
			return lineState{}, false
		}
	}
	return ls, true
}

// holderLabels are the labels whose open edges in prefetch reads for every
// node of the batch: the rules look for what holds a unit, a component, a
// box or a pallet (one parent or container each), never for what holds a
// lot, a station or another node with thousands of edges in.
var holderLabels = []tracegraph.Label{tracegraph.LabelUnit, tracegraph.LabelComponent, tracegraph.LabelBox, tracegraph.LabelPallet}

// prefetchFollowing is prefetch's second round: what the rules look up
// through the nodes the first round read, in up to four queries, then the
// contents of what the batch packs or ships (prefetchContents). For each
// station: the setup.defined events its setups and the activations that can
// still be in force run, and the lots on its slots that can feed at the
// batch's times; for each feeder event, the edges into the lots of its slot
// that the rules may derive again (rederive); for each unit and work order,
// its part number's route; for each unit, component, box and pallet, the
// open edges into it (what holds it). As in the first round, what it reads
// is what the one-by-one lookups would read, so outcomes do not change.
func (r *txReader) prefetchFollowing(ctx context.Context, events []*tracegraph.Event) error {
	if len(events) == 0 {
		return nil
	}
	first := events[0].Time
	for _, ev := range events {
		if ev.Time.Before(first) {
			first = ev.Time
		}
	}
	var (
		nodeIDs, held, reels []tracegraph.ID
		eventIDs             []string
		lines                = map[tracegraph.ID]lineState{}
	)
	addNode := func(id tracegraph.ID) {
		if _, cached := r.nodes[id]; !cached {
			nodeIDs = append(nodeIDs, id)
		}
	}
	for id, n := range r.nodes {
		if n == nil {
			continue
		}
		l := id.Label()
		if ls, ok := readLineState(n); ok && l == tracegraph.LabelStation {
			lines[id] = ls
			r.followLine(ls, first, addNode, &eventIDs)
		}
		if pn := n.Str("partNumber"); pn != "" && (l == tracegraph.LabelUnit || l == tracegraph.LabelWorkOrder) {
			addNode(tracegraph.NewID(tracegraph.LabelRoute, pn))
		}
		if _, cached := r.edges[edgeKey{id, tracegraph.Downstream, false}]; !cached && slices.Contains(holderLabels, l) {
			held = append(held, id)
		}
	}
	for _, ev := range events {
		lots, err := slotLots(ev, lines)
		if err != nil {
			return err
		}
		for _, lot := range lots {
			if _, cached := r.edges[edgeKey{lot, tracegraph.Downstream, true}]; !cached {
				reels = append(reels, lot)
			}
		}
	}
	if err := r.fillEvents(ctx, eventIDs); err != nil {
		return err
	}
	if err := r.fillNodes(ctx, nodeIDs); err != nil {
		return err
	}
	if err := r.fillEdges(ctx, held, false, false); err != nil {
		return err
	}
	if err := r.fillEdges(ctx, reels, false, true); err != nil {
		return err
	}
	return r.prefetchContents(ctx, events)
}

// followLine adds what the rules read through a station's state for events
// at or after first: the definitions of its setups and of the activations
// that can be in force then, and the lots of its reels that can feed then.
func (r *txReader) followLine(ls lineState, first time.Time, addNode func(tracegraph.ID), eventIDs *[]string) {
	addEvent := func(id string) {
		if _, cached := r.events[id]; !cached && id != "" {
			*eventIDs = append(*eventIDs, id)
		}
	}
	for _, def := range ls.Setups {
		addEvent(def)
	}
	for i, a := range ls.Activations {
		if i == len(ls.Activations)-1 || ls.Activations[i+1].From.After(first) {
			addEvent(a.Def)
		}
	}
	for _, f := range ls.Feeders {
		for _, rl := range f.Reels {
			if rl.live(first) {
				addNode(rl.Lot)
			}
		}
	}
}

// slotLots returns the lots whose edges in a feeder event makes the rules
// read (rederive): the reels of its slot that are on it at the event's time
// or were closed since, and the lot it loads.
func slotLots(ev *tracegraph.Event, lines map[tracegraph.ID]lineState) ([]tracegraph.ID, error) {
	var station, slot, load string
	switch ev.Type {
	case tracegraph.EventFeederLoaded, tracegraph.EventFeederSpliced:
		var d tracegraph.FeederLoaded
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return nil, fmt.Errorf("event %q: read data: %w", ev.ID, err)
		}
		station, slot, load = d.Station, d.Slot, d.Lot
	case tracegraph.EventFeederUnloaded, tracegraph.EventSplicePassed:
		var d tracegraph.FeederSlot
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return nil, fmt.Errorf("event %q: read data: %w", ev.ID, err)
		}
		station, slot = d.Station, d.Slot
	default:
		return nil, nil
	}
	var out []tracegraph.ID
	switch {
	case load == "":
	case tracegraph.LooksLikeID(load):
		out = append(out, tracegraph.ID(load))
	default:
		out = append(out, tracegraph.NewID(tracegraph.LabelMaterialLot, load))
	}
	for _, rl := range lines[tracegraph.NewID(tracegraph.LabelStation, station)].Feeders[slot].Reels {
		if rl.live(ev.Time) {
			out = append(out, rl.Lot)
		}
	}
	return out, nil
}

// fillEvents reads the events with these ids into the cache, in one query
// (absent ones: the zero value, no such event).
func (r *txReader) fillEvents(ctx context.Context, ids []string) error {
	return fill(ctx, r, ids, r.events, r.s.eventsByID, "events")
}

// fillNodes reads the nodes with these ids into the cache, in one query
// (absent or voided ones: nil).
func (r *txReader) fillNodes(ctx context.Context, ids []tracegraph.ID) error {
	return fill(ctx, r, ids, r.nodes, r.s.getNodes, "nodes")
}

// fill caches what read returns for each of the distinct keys, and the zero
// value for those it does not return.
func fill[K ~string, V any](ctx context.Context, r *txReader, keys []K, cache map[K]V,
	read func(context.Context, neo4j.ManagedTransaction, []K) (map[K]V, error), what string) error {
	slices.Sort(keys)
	keys = slices.Compact(keys)
	got, err := read(ctx, r.tx, keys)
	if err != nil {
		return fmt.Errorf("prefetch %s: %w", what, err)
	}
	for _, k := range keys {
		cache[k] = got[k]
	}
	return nil
}

// fillEdges reads the edges out of (up) or into each of these nodes
// (NodeEdges) into the cache, in one query.
func (r *txReader) fillEdges(ctx context.Context, ids []tracegraph.ID, up, history bool) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	got, err := r.s.edgesOf(ctx, r.tx, ids, up, history)
	if err != nil {
		return fmt.Errorf("prefetch edges: %w", err)
	}
	dir := tracegraph.Downstream
	if up {
		dir = tracegraph.Upstream
	}
	for _, id := range ids {
		r.edges[edgeKey{id, dir, history}] = got[id]
	}
	return nil
}
