package cypher

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// prefetch reads, in four queries and then up to four more
// (prefetchFollowing), what projecting this batch will ask the reader one
// lookup at a time while the head lock is held: the events
// with the batch's ids (is each a duplicate?), the identifiers with any
// value the events carry, and every node the events can name. An event
// names a node by a global ID or by a bare code, which the rules try as a
// key under one or several labels and as an identifier's value; prefetch
// does not know which field means what, so it takes every string of an
// event's data (and its station) as such a reference, under every label
// (nodes_by_key: one index seek per string, whatever the label).
// What it reads fills the caches of r, the very answers the one-by-one
// lookups would have given (nothing changes under the head lock), so the
// outcomes are the same; a lookup it did not foresee is still made on
// demand.
//
// It returns the nodes it found not there at all, neither live nor voided
// (absent), for the writes to create rather than merge: the nodes
// Label:code of the codes it looked up by key, and the test run or process
// step a test.recorded or process.recorded event would make (keyed by the
// event's id). Nothing else writes under the head lock, so they stay absent
// until this transaction puts them.
func (r *txReader) prefetch(ctx context.Context, events []*tracegraph.Event) (absent func(tracegraph.ID) bool, err error) {
	var (
		eventIDs []string
		values   []string
		keys     []string
		nodeIDs  []tracegraph.ID
		seenVal  = map[string]bool{}
		seenNode = map[tracegraph.ID]bool{}
	)
	addNode := func(id tracegraph.ID) {
		if _, cached := r.nodes[id]; !cached && !seenNode[id] {
			seenNode[id] = true
			nodeIDs = append(nodeIDs, id)
		}
	}
	for _, ev := range events {
		if _, cached := r.events[ev.ID]; !cached {
			eventIDs = append(eventIDs, ev.ID)
		}
		refs, err := eventStrings(ev)
		if err != nil {
			return nil, err
		}
		if makesNode(ev) {
			keys = append(keys, ev.ID) // absent unless its run or step exists
		}
		for _, ref := range refs {
			if ev.Type == tracegraph.EventVoided {
				eventIDs = append(eventIDs, ref) // the event it voids
			}
			if seenVal[ref] {
				continue
			}
			seenVal[ref] = true
			if tracegraph.LooksLikeID(ref) {
				addNode(tracegraph.ID(ref))
				continue
			}
			if tracegraph.CheckKey(ref) != nil {
				continue
			}
			if _, cached := r.idents[ref]; !cached {
				values = append(values, ref)
			}
			keys = append(keys, ref) // the nodes Label:ref of every label
		}
	}
	if err := r.fillEvents(ctx, eventIDs); err != nil {
		return nil, err
	}
	owners, err := r.s.identifiersByValue(ctx, r.tx, values)
	if err != nil {
		return nil, fmt.Errorf("prefetch identifiers: %w", err)
	}
	for _, v := range values {
		r.idents[v] = owners[v]
		for _, o := range owners[v] {
			addNode(o.Node)
		}
	}
	if absent, err = r.fillKeys(ctx, keys); err != nil {
		return nil, err
	}
	nodeIDs = slices.DeleteFunc(nodeIDs, r.cached)
	if err := r.fillNodes(ctx, nodeIDs); err != nil {
		return nil, err
	}
	return absent, r.prefetchFollowing(ctx, events)
}

// makesNode reports whether the event makes a node keyed by its own id (a
// test run or a process step) whose absence prefetch can read by key.
func makesNode(ev *tracegraph.Event) bool {
	return (ev.Type == tracegraph.EventTestRecorded || ev.Type == tracegraph.EventProcessRecorded) &&
		!tracegraph.LooksLikeID(ev.ID) && tracegraph.CheckKey(ev.ID) == nil
}

// cached reports whether the node with this id is in the cache (nil: read,
// and there is no such live node).
func (r *txReader) cached(id tracegraph.ID) bool {
	_, ok := r.nodes[id]
	return ok
}

// fillKeys reads the nodes with these keys under every label into the
// cache, in one query (one index seek per key, not one per label): for each
// key and label, the node Label:key, or nil when there is none or it is
// voided, as node_get would have answered for that id. It returns whether
// an id is Label:key of one of these keys with no node at all, neither live
// nor voided.
func (r *txReader) fillKeys(ctx context.Context, keys []string) (absent func(tracegraph.ID) bool, err error) {
	got := map[tracegraph.ID]*tracegraph.Node{}
	voided := map[tracegraph.ID]bool{}
	for part := range slices.Chunk(keys, maxRows) {
		err := r.s.each(ctx, r.tx, qNodesByKey, batchParams(map[string]any{"keys": part}), func(rec *neo4j.Record) error {
			if v, _ := rec.Get("voided"); v == true {
				id, err := value[string](rec, "id")
				voided[tracegraph.ID(id)] = true
				return err
			}
			node, err := nodeFromRecord(rec)
			if err != nil {
				return err
			}
			got[node.ID] = node
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("prefetch nodes by key: %w", err)
		}
	}
	read := make(map[string]bool, len(keys))
	for _, k := range keys {
		read[k] = true
		for _, l := range tracegraph.Labels {
			if id := tracegraph.NewID(l, k); !r.cached(id) {
				r.nodes[id] = got[id]
			}
		}
	}
	// Read here (every Label:key is), neither live nor voided. A node
	// cached by an earlier read is in got or voided as well: fillKeys reads
	// every node with the key.
	return func(id tracegraph.ID) bool {
		return read[id.Key()] && got[id] == nil && !voided[id]
	}, nil
}

// eventStrings returns every string in an event's data, and its station,
// in order of appearance, each once.
func eventStrings(ev *tracegraph.Event) ([]string, error) {
	var data any
	if len(ev.Data) > 0 {
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			return nil, fmt.Errorf("event %q: read data: %w", ev.ID, err)
		}
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(ev.Station)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			add(v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(v[k])
			}
		}
	}
	walk(data)
	return out, nil
}
