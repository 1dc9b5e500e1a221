package cypher

import (
	"fmt"
	"maps"

	"github.com/tracegraph/tracegraph"
)

// maxRows bounds the rows of one UNWIND statement, so that a large batch
// becomes several statements of bounded size in the same transaction.
const maxRows = 2000

// statement is one query to run with its parameters. When want >= 0 the
// query returns one row with a count n that must equal want: a smaller count
// means a row matched nothing, which the projection rules out, so the
// transaction fails rather than leave the graph half-written.
type statement struct {
	query  string
	params map[string]any
	want   int
}

// planMutations turns a projection's mutations into statements: consecutive
// mutations of the same op become UNWIND batches, split by label or
// relationship type where the query names one (the order of mutations of
// one node or edge is kept, since a node has one label and an edge one type).
func planMutations(muts []tracegraph.Mutation) ([]statement, error) {
	var out []statement
	for i := 0; i < len(muts); {
		j := i + 1
		for j < len(muts) && muts[j].Op == muts[i].Op {
			j++
		}
		sts, err := planRun(muts[i:j], i)
		if err != nil {
			return nil, err
		}
		out = append(out, sts...)
		i = j
	}
	return out, nil
}

// planRun plans a run of mutations of one op; first is the index of the
// run's first mutation in the batch.
func planRun(run []tracegraph.Mutation, first int) ([]statement, error) {
	var (
		byName = map[string][]any{}
		order  []string
	)
	add := func(name string, row any) {
		if _, ok := byName[name]; !ok {
			order = append(order, name)
		}
		byName[name] = append(byName[name], row)
	}
	param, strict := "rows", true
	puts := map[tracegraph.ID]map[string]any{}
	updates := map[tracegraph.EdgeID]map[string]any{}
	for k, m := range run {
		switch m.Op {
		case tracegraph.OpPutNode:
			if !m.Node.Label.Valid() || m.Node.ID.Label() != m.Node.Label {
				return nil, fmt.Errorf("put node %s with label %q", m.Node.ID, m.Node.Label)
			}
			props, err := encodeProps(m.Node)
			if err != nil {
				return nil, err
			}
			row := map[string]any{"id": string(m.Node.ID), "seq": int64(m.Seq), "ord": int64(first + k), "props": props}
			if prev, ok := puts[m.Node.ID]; ok {
				// The last put wins; the node keeps the place of its first.
				prev["props"] = props
				continue
			}
			puts[m.Node.ID] = row
			add(qNodePut(m.Node.Label), row)
		case tracegraph.OpVoidNode:
			param = "ids"
			add(qNodeVoid, string(m.ID))
		case tracegraph.OpAddEdge:
			if !m.Edge.Type.Valid() {
				return nil, fmt.Errorf("add edge %d of unknown type %q", m.Edge.ID, m.Edge.Type)
			}
			props, err := encodeEdge(m.Edge)
			if err != nil {
				return nil, err
			}
			add(qEdgeAdd(m.Edge.Type), map[string]any{"source": string(m.Edge.Source), "target": string(m.Edge.Target), "props": props})
		case tracegraph.OpUpdateEdge:
			if !m.Edge.Type.Valid() {
				return nil, fmt.Errorf("update edge %d of unknown type %q", m.Edge.ID, m.Edge.Type)
			}
			row, err := edgeState(m.Edge)
			if err != nil {
				return nil, err
			}
			if prev, ok := updates[m.Edge.ID]; ok {
				// The last state wins.
				maps.Copy(prev, row)
				continue
			}
			updates[m.Edge.ID] = row
			add(qEdgeUpdate(m.Edge.Type), row)
		case tracegraph.OpAddHold:
			add(qHoldAdd, map[string]any{"node": string(m.ID), "id": m.Hold.ID, "source": string(m.Hold.Source),
				"reason": m.Hold.Reason, "since": m.Hold.Since.UTC(), "event": m.Hold.Event, "by": m.Hold.PlacedBy,
				"seq": int64(m.Seq), "ord": int64(first + k)})
		case tracegraph.OpRemoveHold:
			strict = false // removing a hold that is not there changes nothing
			add(qHoldRemove, map[string]any{"node": string(m.ID), "id": m.Hold.ID})
		case tracegraph.OpAddIdentifier:
			add(qIdentAdd, identRow(m.Ident))
		case tracegraph.OpRemoveIdentifier:
			strict = false
			add(qIdentRemove, identRow(m.Ident))
		case tracegraph.OpVoidEvent:
			add(qEventVoid, map[string]any{"event": m.EventID, "by": m.VoidedBy})
		default:
			return nil, fmt.Errorf("mutation op %d is unknown", m.Op)
		}
	}
	var out []statement
	for _, name := range order {
		out = append(out, chunk(name, param, byName[name], strict)...)
	}
	return out, nil
}

func identRow(i *tracegraph.Identifier) map[string]any {
	return map[string]any{"scheme": i.Scheme, "value": i.Value, "node": string(i.Node)}
}

// eventLinks returns the rows of events_link.cypher: each node a mutation
// changed with the seq of the event that changed it, once, in order.
func eventLinks(muts []tracegraph.Mutation) []any {
	type link struct {
		node tracegraph.ID
		seq  uint64
	}
	seen := map[link]bool{}
	var rows []any
	for i := range muts {
		for _, id := range muts[i].Nodes() {
			l := link{id, muts[i].Seq}
			if id == "" || seen[l] {
				continue
			}
			seen[l] = true
			rows = append(rows, map[string]any{"node": string(id), "seq": int64(l.seq)})
		}
	}
	return rows
}

// eventRows returns the rows of events_create.cypher for sealed events.
func eventRows(evs []*tracegraph.Event) ([]any, error) {
	rows := make([]any, len(evs))
	for i, e := range evs {
		rec, err := e.MarshalRecord()
		if err != nil {
			return nil, fmt.Errorf("encode event %q: %w", e.ID, err)
		}
		rows[i] = map[string]any{
			"id": e.ID, "seq": int64(e.Seq), "type": string(e.Type), "time": e.Time.UTC(),
			"recordedAt": e.RecordedAt.UTC(), "hash": e.Hash, "prevHash": e.PrevHash, "record": string(rec),
		}
	}
	return rows, nil
}

// chunk splits rows into statements of at most maxRows rows each.
func chunk(query, param string, rows []any, strict bool) []statement {
	var out []statement
	for len(rows) > 0 {
		n := min(len(rows), maxRows)
		st := statement{query: query, params: map[string]any{param: rows[:n]}, want: -1}
		if strict {
			st.want = n
		}
		out = append(out, st)
		rows = rows[n:]
	}
	return out
}
