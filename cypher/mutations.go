package cypher

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

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

// planMutations turns a projection's mutations into statements: UNWIND
// batches, one query each (split by label or relationship type where the
// query names one). A mutation joins the latest batch of its query unless
// it must come after something in that batch or later: a mutation that
// touches what an earlier one wrote (a node, an edge, a node's hold, an
// identifier, an event) runs in a later statement. What a mutation reads is
// only that a node exists (an edge's ends, a hold's node), which no later
// mutation undoes (a put replaces a node's properties, a void marks it;
// neither deletes it): so a later put of a node an edge was added to
// replaces the props of the node's earlier put, before that edge, instead of
// a statement of its own after it. Mutations of one query keep their order
// (a mutation never joins a statement before the latest of its query), so
// the last of several hold_add rows sets a hold's record. So a batch's
// components are put in one statement and their SUPPLIED_BY edges added in
// the next, and a batch of units built, tested and moved on is one statement
// of puts and one of edges of each type, rather than a statement for each
// step, and the order that matters is kept.
//
// absent holds the nodes the transaction read as not there at all, neither
// live nor voided (prefetch): the first put of such a node creates it
// (node_create) rather than merging it (node_put); a later put in a
// statement of its own, after the node exists, merges.
func planMutations(muts []tracegraph.Mutation, absent func(tracegraph.ID) bool) ([]statement, error) {
	p := planner{latest: map[string]int{}, wrote: map[string]int{},
		puts: map[tracegraph.ID]*plannedRow{}, updates: map[tracegraph.EdgeID]*plannedRow{}, absent: absent}
	for i := range muts {
		if err := p.add(&muts[i], i); err != nil {
			return nil, err
		}
	}
	var out []statement
	for _, g := range p.groups {
		if strings.HasPrefix(g.query, edgeAddPrefix) {
			out = append(out, edgeStatements(g.query, g.rows)...)
			continue
		}
		out = append(out, chunk(g.query, g.param, g.rows, g.strict)...)
	}
	return out, nil
}

// edgeStatements returns the statements of edge_add rows {source, target,
// props}, at most maxRows rows each: each statement's distinct ends as
// $batch.ids, which it seeks once each, and its rows with source and target
// as indexes into them (a lot consumed by many units of a group is sought
// once, not once per edge).
func edgeStatements(query string, rows []any) []statement {
	var out []statement
	for part := range slices.Chunk(rows, maxRows) {
		var ids seekTable[string]
		tabled := make([]any, len(part))
		for i, r := range part {
			row := r.(map[string]any)
			src, dst := row["source"].(string), row["target"].(string)
			tabled[i] = map[string]any{"source": ids.index(src, src), "target": ids.index(dst, dst), "props": row["props"]}
		}
		out = append(out, statement{query: query, params: map[string]any{"ids": ids.values, "rows": tabled}, want: len(part)})
	}
	return out
}

// planner places mutations into groups, each one UNWIND statement (or
// several of at most maxRows rows), run in order.
type planner struct {
	groups []*group
	// latest is the index of the last group of each query.
	latest map[string]int
	// wrote is the index of the last group that wrote each entity (see
	// entities).
	wrote map[string]int
	// puts and updates are the rows of node puts and edge updates, for a
	// later put or update that may replace them.
	puts    map[tracegraph.ID]*plannedRow
	updates map[tracegraph.EdgeID]*plannedRow
	// absent tells the nodes to create at their first put (planMutations);
	// nil: none.
	absent func(tracegraph.ID) bool
}

type group struct {
	query, param string
	strict       bool
	rows         []any
}

type plannedRow struct {
	group int
	row   map[string]any
}

// add places mutation m, the i-th of the batch.
func (p *planner) add(m *tracegraph.Mutation, i int) error {
	query, param, strict, row, err := mutationRow(m, i)
	if err != nil {
		return err
	}
	reads, writes := entities(m)
	after := -1
	for _, k := range append(reads, writes...) {
		after = max(after, p.at(p.wrote, k))
	}
	// A later put of a node, or update of an edge, that nothing touched in
	// between replaces the earlier row: the last props or state win, the
	// node keeps the place (seq, ord) of its first put.
	switch m.Op {
	case tracegraph.OpPutNode:
		if prev := p.puts[m.Node.ID]; prev != nil && prev.group >= after {
			prev.row["props"] = row.(map[string]any)["props"]
			return nil
		}
	case tracegraph.OpUpdateEdge:
		if prev := p.updates[m.Edge.ID]; prev != nil && prev.group >= after {
			maps.Copy(prev.row, row.(map[string]any))
			return nil
		}
	}
	if m.Op == tracegraph.OpPutNode && p.puts[m.Node.ID] == nil && p.absent != nil && p.absent(m.Node.ID) {
		query = qNodeCreate(m.Node.Label)
	}
	g, ok := p.latest[query]
	if !ok || g <= after {
		g = len(p.groups)
		p.groups = append(p.groups, &group{query: query, param: param, strict: strict})
		p.latest[query] = g
	}
	p.groups[g].rows = append(p.groups[g].rows, row)
	for _, k := range writes {
		p.wrote[k] = g
	}
	switch m.Op {
	case tracegraph.OpPutNode:
		p.puts[m.Node.ID] = &plannedRow{g, row.(map[string]any)}
	case tracegraph.OpUpdateEdge:
		p.updates[m.Edge.ID] = &plannedRow{g, row.(map[string]any)}
	}
	return nil
}

func (p *planner) at(m map[string]int, k string) int {
	if g, ok := m[k]; ok {
		return g
	}
	return -1
}

// entities returns what a mutation reads (must exist when it runs) and
// writes, as keys: "n" node, "e" edge, "h" a node's hold, "i" identifier,
// "v" event.
func entities(m *tracegraph.Mutation) (reads, writes []string) {
	node := func(id tracegraph.ID) string { return "n\x00" + string(id) }
	switch m.Op {
	case tracegraph.OpPutNode:
		return nil, []string{node(m.Node.ID)}
	case tracegraph.OpVoidNode:
		return nil, []string{node(m.ID)}
	case tracegraph.OpAddEdge, tracegraph.OpUpdateEdge:
		e := "e\x00" + strconv.FormatUint(uint64(m.Edge.ID), 10)
		if m.Op == tracegraph.OpUpdateEdge {
			return nil, []string{e}
		}
		return []string{node(m.Edge.Source), node(m.Edge.Target)}, []string{e}
	case tracegraph.OpAddHold, tracegraph.OpRemoveHold:
		return []string{node(m.ID)}, []string{"h\x00" + string(m.ID) + "\x00" + m.Hold.ID}
	case tracegraph.OpAddIdentifier, tracegraph.OpRemoveIdentifier:
		return nil, []string{"i\x00" + m.Ident.Scheme + "\x00" + m.Ident.Value}
	case tracegraph.OpVoidEvent:
		return nil, []string{"v\x00" + m.EventID}
	}
	return nil, nil
}

// mutationRow returns the query, its list parameter, whether it must count
// every row, and the row of mutation m, the i-th of the batch.
func mutationRow(m *tracegraph.Mutation, i int) (query, param string, strict bool, row any, err error) {
	switch m.Op {
	case tracegraph.OpPutNode:
		if !m.Node.Label.Valid() || m.Node.ID.Label() != m.Node.Label {
			return "", "", false, nil, fmt.Errorf("put node %s with label %q", m.Node.ID, m.Node.Label)
		}
		props, err := encodeProps(m.Node)
		if err != nil {
			return "", "", false, nil, err
		}
		return qNodePut(m.Node.Label), "rows", true, map[string]any{"id": string(m.Node.ID), "seq": int64(m.Seq), "ord": int64(i), "props": props}, nil
	case tracegraph.OpVoidNode:
		return qNodeVoid, "ids", true, string(m.ID), nil
	case tracegraph.OpAddEdge:
		if !m.Edge.Type.Valid() {
			return "", "", false, nil, fmt.Errorf("add edge %d of unknown type %q", m.Edge.ID, m.Edge.Type)
		}
		props, err := encodeEdge(m.Edge)
		if err != nil {
			return "", "", false, nil, err
		}
		return qEdgeAdd(m.Edge.Type), "rows", true, map[string]any{"source": string(m.Edge.Source), "target": string(m.Edge.Target), "props": props}, nil
	case tracegraph.OpUpdateEdge:
		if !m.Edge.Type.Valid() {
			return "", "", false, nil, fmt.Errorf("update edge %d of unknown type %q", m.Edge.ID, m.Edge.Type)
		}
		row, err := edgeState(m.Edge)
		if err != nil {
			return "", "", false, nil, err
		}
		return qEdgeUpdate(m.Edge.Type), "rows", true, row, nil
	case tracegraph.OpAddHold:
		return qHoldAdd, "rows", true, map[string]any{"node": string(m.ID), "id": m.Hold.ID, "source": string(m.Hold.Source),
			"reason": m.Hold.Reason, "since": m.Hold.Since.UTC(), "event": m.Hold.Event, "by": m.Hold.PlacedBy,
			"seq": int64(m.Seq), "ord": int64(i)}, nil
	case tracegraph.OpRemoveHold:
		// Removing a hold that is not there changes nothing: not strict.
		return qHoldRemove, "rows", false, map[string]any{"node": string(m.ID), "id": m.Hold.ID}, nil
	case tracegraph.OpAddIdentifier:
		return qIdentAdd, "rows", true, identRow(m.Ident), nil
	case tracegraph.OpRemoveIdentifier:
		return qIdentRemove, "rows", false, identRow(m.Ident), nil
	case tracegraph.OpVoidEvent:
		return qEventVoid, "rows", true, map[string]any{"event": m.EventID, "by": m.VoidedBy}, nil
	}
	return "", "", false, nil, fmt.Errorf("mutation op %d is unknown", m.Op)
}

func identRow(i *tracegraph.Identifier) map[string]any {
	return map[string]any{"scheme": i.Scheme, "value": i.Value, "node": string(i.Node)}
}

// linkStatements returns the statements of events_link.cypher: each node a
// mutation changed linked once to the seq of each event that changed it, at
// most maxRows links a statement. Each statement names its events once
// ($batch.seqs) and its nodes once, each with the indexes of its events in
// seq order ($batch.rows: [{node, events}]), so that the server seeks each
// event and each node once rather than once per link.
func linkStatements(muts []tracegraph.Mutation) []statement {
	type link struct {
		node tracegraph.ID
		seq  uint64
	}
	seen := map[link]bool{}
	var links []link
	for i := range muts {
		for _, id := range muts[i].Nodes() {
			l := link{id, muts[i].Seq}
			if id == "" || seen[l] {
				continue
			}
			seen[l] = true
			links = append(links, l)
		}
	}
	var out []statement
	for part := range slices.Chunk(links, maxRows) {
		var seqs seekTable[uint64]
		var rows []any
		node := map[tracegraph.ID]map[string]any{}
		for _, l := range part {
			j := seqs.index(l.seq, int64(l.seq))
			row := node[l.node]
			if row == nil {
				row = map[string]any{"node": string(l.node), "events": []any{}}
				node[l.node] = row
				rows = append(rows, row)
			}
			row["events"] = append(row["events"].([]any), j)
		}
		out = append(out, statement{query: qEventsLink, params: map[string]any{"seqs": seqs.values, "rows": rows}, want: len(part)})
	}
	return out
}

// seekTable is the list of distinct things a statement seeks once each (its
// $batch.ids or $batch.seqs), which its rows name by index.
type seekTable[K comparable] struct {
	at     map[K]int64
	values []any
}

// index returns the index of k in the table, adding it (as value, its
// parameter form) when it is new.
func (t *seekTable[K]) index(k K, value any) int64 {
	if i, ok := t.at[k]; ok {
		return i
	}
	if t.at == nil {
		t.at = map[K]int64{}
	}
	i := int64(len(t.values))
	t.at[k] = i
	t.values = append(t.values, value)
	return i
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

// batchParams returns params as the one parameter $batch, which the write
// path's queries read their lists from ($batch.rows): Neo4j caches a plan
// per query text and per size class of each list parameter (1, up to 10,
// 100, 1,000, more), so a list passed as a parameter of its own makes the
// server plan the same statement again for each size class a batch falls
// in, and those plans crowd its query cache; a list inside a map has one
// plan. The statements seek through indexes named by hints, so the size
// the planner assumes does not change their plans.
func batchParams(params map[string]any) map[string]any {
	return map[string]any{"batch": params}
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
