package cypher

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Node system properties. User properties never take these names: encodeProps
// moves a clashing one under jsonPrefix.
const (
	propID        = "id"
	propKey       = "key"
	propLabel     = "_label"
	propCreatedBy = "_createdBy"
	propVersion   = "_version"
	propVoided    = "_voided"
	jsonPrefix    = "_json_"
	// Search copies of a TestRun's firmware (see encodeProps).
	propFwVersion  = "_fw_version"
	propFwChecksum = "_fw_checksum"
)

// encodeProps returns the Neo4j properties of n: the system properties and
// n.Props, strings, float64s and booleans as they are, every other value
// (lists, maps, other numbers) as a JSON string under jsonPrefix+name. A
// property named id or key or starting with "_" is JSON-encoded too, so no
// property can be mistaken for a system one.
func encodeProps(n *tracegraph.Node) (map[string]any, error) {
	out := make(map[string]any, len(n.Props)+5)
	for k, v := range n.Props {
		if v == nil {
			continue
		}
		if !reservedProp(k) {
			switch v.(type) {
			case string, float64, bool:
				out[k] = v
				continue
			}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode property %s of %s: %w", k, n.ID, err)
		}
		out[jsonPrefix+k] = string(b)
	}
	if n.Label == tracegraph.LabelTestRun {
		// Search copies of the firmware, which is stored as JSON, for the
		// indexes of the firmware questions. decodeNode skips them.
		fw, _ := n.Props["firmware"].(map[string]any)
		if v, _ := fw["version"].(string); v != "" {
			out[propFwVersion] = v
		}
		if c, _ := fw["checksum"].(string); c != "" {
			out[propFwChecksum] = c
		}
	}
	out[propID] = string(n.ID)
	out[propKey] = n.ID.Key()
	out[propLabel] = string(n.Label)
	if n.CreatedBy != "" {
		out[propCreatedBy] = n.CreatedBy
	}
	out[propVersion] = int64(n.Version)
	return out, nil
}

func reservedProp(k string) bool {
	return k == propID || k == propKey || strings.HasPrefix(k, "_")
}

// decodeNode is the inverse of encodeProps.
func decodeNode(props map[string]any) (*tracegraph.Node, error) {
	id, _ := props[propID].(string)
	if id == "" {
		return nil, fmt.Errorf("node without an id property")
	}
	n := &tracegraph.Node{ID: tracegraph.ID(id), Props: map[string]any{}}
	if l, ok := props[propLabel].(string); ok {
		n.Label = tracegraph.Label(l)
	} else {
		n.Label = n.ID.Label()
	}
	n.CreatedBy, _ = props[propCreatedBy].(string)
	if v, ok := props[propVersion].(int64); ok && v > 0 {
		n.Version = uint64(v)
	}
	for k, v := range props {
		switch {
		case strings.HasPrefix(k, jsonPrefix):
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("node %s: property %s is %T, not a JSON string", id, k, v)
			}
			var x any
			if err := json.Unmarshal([]byte(s), &x); err != nil {
				return nil, fmt.Errorf("node %s: property %s: %w", id, k, err)
			}
			n.Props[strings.TrimPrefix(k, jsonPrefix)] = x
		case reservedProp(k):
			// system property, or the head's lock
		default:
			n.Props[k] = plainValue(v)
		}
	}
	return n, nil
}

// plainValue turns what the driver returns into Props' JSON value types.
func plainValue(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// decodeHolds reads the holds of a node row, oldest first.
func decodeHolds(v any) ([]tracegraph.Hold, error) {
	rows, _ := v.([]any)
	if len(rows) == 0 {
		return nil, nil
	}
	type ordered struct {
		h        tracegraph.Hold
		seq, ord int64
	}
	hs := make([]ordered, 0, len(rows))
	for _, r := range rows {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("hold row is %T", r)
		}
		var o ordered
		o.h.ID, _ = m["id"].(string)
		src, _ := m["source"].(string)
		o.h.Source = tracegraph.ID(src)
		o.h.Reason, _ = m["reason"].(string)
		o.h.Event, _ = m["event"].(string)
		o.h.PlacedBy, _ = m["by"].(string)
		if t, ok := m["since"].(time.Time); ok {
			o.h.Since = t.UTC()
		}
		o.seq, _ = m["seq"].(int64)
		o.ord, _ = m["ord"].(int64)
		hs = append(hs, o)
	}
	// As the embedded store: oldest hold first; ties in the order they came.
	sort.SliceStable(hs, func(i, j int) bool {
		if !hs[i].h.Since.Equal(hs[j].h.Since) {
			return hs[i].h.Since.Before(hs[j].h.Since)
		}
		if hs[i].seq != hs[j].seq {
			return hs[i].seq < hs[j].seq
		}
		if hs[i].ord != hs[j].ord {
			return hs[i].ord < hs[j].ord
		}
		return hs[i].h.ID < hs[j].h.ID
	})
	out := make([]tracegraph.Hold, len(hs))
	for i, o := range hs {
		out[i] = o.h
	}
	return out, nil
}

// Edge relationship properties.
const (
	relEID       = "eid"
	relValidFrom = "validFrom"
	relValidTo   = "validTo"
	relPrecision = "precision"
	relEvent     = "event"
	relClosedBy  = "closedBy"
	relReason    = "closeReason"
	relVoided    = "voided"
	relProps     = "props"
)

// encodeEdge returns the relationship properties of e. Null values are left
// out (SET r = map would not store them anyway).
func encodeEdge(e *tracegraph.Edge) (map[string]any, error) {
	if uint64(e.ID) > 1<<63-1 {
		return nil, fmt.Errorf("edge id %d does not fit a Neo4j integer", e.ID)
	}
	m := map[string]any{
		relEID:       int64(e.ID),
		relValidFrom: e.ValidFrom.UTC(),
		relPrecision: precisionName(e.Precision),
		relVoided:    e.Voided,
	}
	if !e.ValidTo.IsZero() {
		m[relValidTo] = e.ValidTo.UTC()
	}
	if e.Event != "" {
		m[relEvent] = e.Event
	}
	if e.ClosedBy != "" {
		m[relClosedBy] = e.ClosedBy
	}
	if e.CloseReason != "" {
		m[relReason] = e.CloseReason
	}
	if len(e.Props) > 0 {
		b, err := json.Marshal(e.Props)
		if err != nil {
			return nil, fmt.Errorf("encode props of edge %d: %w", e.ID, err)
		}
		m[relProps] = string(b)
	}
	return m, nil
}

// edgeState is what OpUpdateEdge changes (its props stay as stored), with
// nulls for what is cleared.
func edgeState(e *tracegraph.Edge) (map[string]any, error) {
	m, err := encodeEdge(&tracegraph.Edge{ID: e.ID, ValidFrom: e.ValidFrom, ValidTo: e.ValidTo, ClosedBy: e.ClosedBy,
		CloseReason: e.CloseReason, Voided: e.Voided})
	if err != nil {
		return nil, err
	}
	row := map[string]any{"eid": m[relEID], "voided": e.Voided,
		relValidTo: nil, relClosedBy: nil, relReason: nil}
	for _, k := range []string{relValidTo, relClosedBy, relReason} {
		if v, ok := m[k]; ok {
			row[k] = v
		}
	}
	return row, nil
}

// decodeEdge reads an edge from its type, relationship properties and ends.
func decodeEdge(typ string, rel map[string]any, source, target string) (tracegraph.Edge, error) {
	e := tracegraph.Edge{Type: tracegraph.EdgeType(typ), Source: tracegraph.ID(source), Target: tracegraph.ID(target)}
	eid, ok := rel[relEID].(int64)
	if !ok || eid < 0 {
		return e, fmt.Errorf("%s relationship %s → %s without an eid", typ, source, target)
	}
	e.ID = tracegraph.EdgeID(eid)
	if t, ok := rel[relValidFrom].(time.Time); ok {
		e.ValidFrom = t.UTC()
	}
	if t, ok := rel[relValidTo].(time.Time); ok {
		e.ValidTo = t.UTC()
	}
	p, _ := rel[relPrecision].(string)
	if p != "" {
		prec, err := tracegraph.ParsePrecision(p)
		if err != nil {
			return e, fmt.Errorf("edge %d: %w", eid, err)
		}
		e.Precision = prec
	}
	e.Event, _ = rel[relEvent].(string)
	e.ClosedBy, _ = rel[relClosedBy].(string)
	e.CloseReason, _ = rel[relReason].(string)
	e.Voided, _ = rel[relVoided].(bool)
	if s, ok := rel[relProps].(string); ok && s != "" {
		if err := json.Unmarshal([]byte(s), &e.Props); err != nil {
			return e, fmt.Errorf("edge %d props: %w", eid, err)
		}
	}
	return e, nil
}

// precisionName is the stored name of p; an unknown precision is stored as
// EXACT, as the projection treats it.
func precisionName(p tracegraph.Precision) string {
	if p == tracegraph.PrecisionUnknown {
		return tracegraph.PrecisionExact.String()
	}
	return p.String()
}

// precisionsFrom lists the stored names of the precisions at least min.
func precisionsFrom(min tracegraph.Precision) []string {
	var out []string
	for _, p := range []tracegraph.Precision{tracegraph.PrecisionOrder, tracegraph.PrecisionCandidate, tracegraph.PrecisionExact} {
		if p >= min {
			out = append(out, p.String())
		}
	}
	return out
}

// instant is a moment as a query parameter for comparisons with
// datetime(string) properties, which carry the offset Z: the query wraps it
// in datetime(). A time.Time parameter would arrive with the zone id "UTC",
// and Neo4j orders equal instants in different zones apart, so that
// datetime('…Z') >= $t is false at the same instant.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
