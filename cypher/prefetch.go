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
func (r *txReader) prefetch(ctx context.Context, events []*tracegraph.Event) error {
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
			return err
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
		return err
	}
	owners, err := r.s.identifiersByValue(ctx, r.tx, values)
	if err != nil {
		return fmt.Errorf("prefetch identifiers: %w", err)
	}
	for _, v := range values {
		r.idents[v] = owners[v]
		for _, o := range owners[v] {
			addNode(o.Node)
		}
	}
	if err := r.fillKeys(ctx, keys); err != nil {
		return err
	}
	nodeIDs = slices.DeleteFunc(nodeIDs, r.cached)
	if err := r.fillNodes(ctx, nodeIDs); err != nil {
		return err
	}
	return r.prefetchFollowing(ctx, events)
}

// cached reports whether the node with this id is in the cache (nil: read,
// and there is no such live node).
func (r *txReader) cached(id tracegraph.ID) bool {
	_, ok := r.nodes[id]
	return ok
}

// fillKeys reads the live nodes with these keys under every label into the
// cache, in one query (one index seek per key, not one per label): for each
// key and label, the node Label:key, or nil when there is none or it is
// voided, as node_get would have answered for that id.
func (r *txReader) fillKeys(ctx context.Context, keys []string) error {
	got := map[tracegraph.ID]*tracegraph.Node{}
	for part := range slices.Chunk(keys, maxRows) {
		err := r.s.each(ctx, r.tx, qNodesByKey, batchParams(map[string]any{"keys": part}), func(rec *neo4j.Record) error {
			node, err := nodeFromRecord(rec)
			if err != nil {
				return err
			}
			got[node.ID] = node
			return nil
		})
		if err != nil {
			return fmt.Errorf("prefetch nodes by key: %w", err)
		}
	}
	for _, k := range keys {
		for _, l := range tracegraph.Labels {
			if id := tracegraph.NewID(l, k); !r.cached(id) {
				r.nodes[id] = got[id]
			}
		}
	}
	return nil
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
