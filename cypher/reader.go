package cypher

import (
	"context"
	"fmt"
	"maps"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// txReader is the tracegraph.GraphReader that the projection reads through
// inside a write transaction. An attempt makes all its reads before its
// first write and holds the head lock, so nothing it reads can change under
// it: it caches what it read, and hands out copies.
type txReader struct {
	s      *Store
	tx     neo4j.ManagedTransaction
	nodes  map[tracegraph.ID]*tracegraph.Node
	edges  map[edgeKey][]tracegraph.Edge
	idents map[string][]tracegraph.Identifier
	events map[string]eventByID
}

type edgeKey struct {
	id      tracegraph.ID
	dir     tracegraph.Direction
	history bool
}

type eventByID struct {
	ev       *tracegraph.Event
	voidedBy string
}

var _ tracegraph.GraphReader = (*txReader)(nil)

func newTxReader(s *Store, tx neo4j.ManagedTransaction) *txReader {
	return &txReader{s: s, tx: tx, nodes: map[tracegraph.ID]*tracegraph.Node{},
		edges: map[edgeKey][]tracegraph.Edge{}, idents: map[string][]tracegraph.Identifier{},
		events: map[string]eventByID{}}
}

// GetNode implements tracegraph.GraphReader.
func (r *txReader) GetNode(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	n, err := r.ViewNode(ctx, id)
	return n.Clone(), err
}

// ViewNode implements tracegraph.GraphReader: the node the attempt cached.
func (r *txReader) ViewNode(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	n, ok := r.nodes[id]
	if !ok {
		got, err := r.s.getNodes(ctx, r.tx, []tracegraph.ID{id})
		if err != nil {
			return nil, err
		}
		n = got[id]
		r.nodes[id] = n
	}
	return n, nil
}

// IdentifierOwners implements tracegraph.GraphReader.
func (r *txReader) IdentifierOwners(ctx context.Context, value string) ([]tracegraph.Identifier, error) {
	if is, ok := r.idents[value]; ok {
		return append([]tracegraph.Identifier(nil), is...), nil
	}
	is, err := r.s.identifierOwners(ctx, r.tx, value)
	if err != nil {
		return nil, err
	}
	r.idents[value] = is
	return append([]tracegraph.Identifier(nil), is...), nil
}

// NodeEdges implements tracegraph.GraphReader.
func (r *txReader) NodeEdges(ctx context.Context, id tracegraph.ID, dir tracegraph.Direction, history bool) ([]tracegraph.Edge, error) {
	k := edgeKey{id, dir, history}
	es, ok := r.edges[k]
	if !ok {
		var err error
		es, err = r.s.nodeEdges(ctx, r.tx, id, dir, history)
		if err != nil {
			return nil, err
		}
		r.edges[k] = es
	}
	return cloneEdges(es), nil
}

// SelectEdges implements tracegraph.GraphReader: the node's edges, narrowed
// here (the attempt's reads are cached per node and direction).
func (r *txReader) SelectEdges(ctx context.Context, id tracegraph.ID, sel tracegraph.EdgeSelect) ([]tracegraph.Edge, error) {
	es, err := r.NodeEdges(ctx, id, sel.Dir, sel.History)
	if err != nil {
		return nil, err
	}
	return tracegraph.SelectFrom(es, sel), nil
}

// HeldBy implements tracegraph.GraphReader.
func (r *txReader) HeldBy(ctx context.Context, holdID string) ([]tracegraph.ID, error) {
	return r.s.heldBy(ctx, r.tx, holdID)
}

// EventByID implements tracegraph.GraphReader.
func (r *txReader) EventByID(ctx context.Context, id string) (*tracegraph.Event, string, error) {
	e, ok := r.events[id]
	if !ok {
		ev, by, err := r.s.eventByID(ctx, r.tx, id)
		if err != nil {
			return nil, "", err
		}
		e = eventByID{ev, by}
		r.events[id] = e
	}
	if e.ev == nil {
		return nil, "", nil
	}
	c := *e.ev
	return &c, e.voidedBy, nil
}

// EdgesByEvent implements tracegraph.GraphReader.
func (r *txReader) EdgesByEvent(ctx context.Context, seq uint64) ([]tracegraph.Edge, error) {
	return r.s.edgesByEvent(ctx, r.tx, seq)
}

func cloneEdges(es []tracegraph.Edge) []tracegraph.Edge {
	out := make([]tracegraph.Edge, len(es))
	for i, e := range es {
		e.Props = maps.Clone(e.Props)
		out[i] = e
	}
	return out
}

// ---- queries shared by the reader and the Graph methods

// getNodes returns the live nodes with these ids, with their holds, in a
// transaction.
func (s *Store) getNodes(ctx context.Context, tx neo4j.ManagedTransaction, ids []tracegraph.ID) (map[tracegraph.ID]*tracegraph.Node, error) {
	return s.readNodes(ctx, tx, ids)
}

// readNodes returns the live nodes with these ids, with their holds.
func (s *Store) readNodes(ctx context.Context, tx runner, ids []tracegraph.ID) (map[tracegraph.ID]*tracegraph.Node, error) {
	out := make(map[tracegraph.ID]*tracegraph.Node, len(ids))
	err := s.eachChunk(ctx, tx, qNodeGet, "ids", idStrings(ids), func(rec *neo4j.Record) error {
		node, err := nodeFromRecord(rec)
		if err != nil {
			return err
		}
		out[node.ID] = node
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachChunk runs the named query once per maxRows items of list, passed as
// the parameter param, and calls fn for each record.
func (s *Store) eachChunk(ctx context.Context, tx runner, name, param string, list []string, fn func(*neo4j.Record) error) error {
	for len(list) > 0 {
		n := min(len(list), maxRows)
		if err := s.each(ctx, tx, name, map[string]any{param: list[:n]}, fn); err != nil {
			return err
		}
		list = list[n:]
	}
	return nil
}

// nodeFromRecord reads a row of the shape {id, props, holds}.
func nodeFromRecord(rec *neo4j.Record) (*tracegraph.Node, error) {
	props, err := value[map[string]any](rec, "props")
	if err != nil {
		return nil, err
	}
	n, err := decodeNode(props)
	if err != nil {
		return nil, err
	}
	hv, _ := rec.Get("holds")
	if n.Holds, err = decodeHolds(hv); err != nil {
		return nil, fmt.Errorf("node %s: %w", n.ID, err)
	}
	return n, nil
}

func idStrings(ids []tracegraph.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

func (s *Store) identifierOwners(ctx context.Context, tx runner, v string) ([]tracegraph.Identifier, error) {
	by, err := s.identifiersByValue(ctx, tx, []string{v})
	return by[v], err
}

// identifiersByValue returns the identifiers with each of these values, any
// scheme, ordered by scheme and node.
func (s *Store) identifiersByValue(ctx context.Context, tx runner, values []string) (map[string][]tracegraph.Identifier, error) {
	out := map[string][]tracegraph.Identifier{}
	err := s.eachChunk(ctx, tx, qIdentOwners, "values", values, func(rec *neo4j.Record) error {
		scheme, err1 := value[string](rec, "scheme")
		val, err2 := value[string](rec, "value")
		node, err3 := value[string](rec, "node")
		if err := firstError(err1, err2, err3); err != nil {
			return err
		}
		out[val] = append(out[val], tracegraph.Identifier{Scheme: scheme, Value: val, Node: tracegraph.ID(node)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func firstError(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (s *Store) nodeEdges(ctx context.Context, tx runner, id tracegraph.ID, dir tracegraph.Direction, history bool) ([]tracegraph.Edge, error) {
	var names []string
	switch dir {
	case tracegraph.Upstream:
		names = []string{qNodeEdgesOut}
	case tracegraph.Downstream:
		names = []string{qNodeEdgesIn}
	default:
		names = []string{qNodeEdgesOut, qNodeEdgesIn}
	}
	var out []tracegraph.Edge
	for _, name := range names {
		err := s.each(ctx, tx, name, map[string]any{"id": string(id), "history": history}, func(rec *neo4j.Record) error {
			e, err := edgeFromRecord(rec)
			if err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// edgesOf returns the edges out of (up) or into each of these nodes
// (NodeEdges upstream or downstream for each), in one query per maxRows
// nodes.
func (s *Store) edgesOf(ctx context.Context, tx runner, ids []tracegraph.ID, up, history bool) (map[tracegraph.ID][]tracegraph.Edge, error) {
	name := qNodesEdgesIn
	if up {
		name = qNodesEdgesOut
	}
	out := map[tracegraph.ID][]tracegraph.Edge{}
	for list := idStrings(ids); len(list) > 0; {
		n := min(len(list), maxRows)
		err := s.each(ctx, tx, name, map[string]any{"ids": list[:n], "history": history}, func(rec *neo4j.Record) error {
			e, err := edgeFromRecord(rec)
			if err != nil {
				return err
			}
			end := e.Target
			if up {
				end = e.Source
			}
			out[end] = append(out[end], e)
			return nil
		})
		if err != nil {
			return nil, err
		}
		list = list[n:]
	}
	return out, nil
}

// edgeFromRecord reads a row of the shape {type, rel, source, target}.
func edgeFromRecord(rec *neo4j.Record) (tracegraph.Edge, error) {
	typ, err1 := value[string](rec, "type")
	rel, err2 := value[map[string]any](rec, "rel")
	src, err3 := value[string](rec, "source")
	dst, err4 := value[string](rec, "target")
	if err := firstError(err1, err2, err3, err4); err != nil {
		return tracegraph.Edge{}, err
	}
	return decodeEdge(typ, rel, src, dst)
}

func (s *Store) heldBy(ctx context.Context, tx runner, holdID string) ([]tracegraph.ID, error) {
	var out []tracegraph.ID
	err := s.each(ctx, tx, qHeldBy, map[string]any{"id": holdID}, func(rec *neo4j.Record) error {
		id, err := value[string](rec, "id")
		out = append(out, tracegraph.ID(id))
		return err
	})
	return out, err
}

func (s *Store) eventByID(ctx context.Context, tx neo4j.ManagedTransaction, id string) (*tracegraph.Event, string, error) {
	got, err := s.eventsByID(ctx, tx, []string{id})
	return got[id].ev, got[id].voidedBy, err
}

// eventsByID returns the recorded events with these ids (absent ones are
// left out), each with the id of the event that voided it.
func (s *Store) eventsByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]eventByID, error) {
	out := make(map[string]eventByID, len(ids))
	err := s.eachChunk(ctx, tx, qEventGet, "ids", ids, func(rec *neo4j.Record) error {
		id, err1 := value[string](rec, "id")
		record, err2 := value[string](rec, "record")
		by, err3 := value[string](rec, "voidedBy")
		if err := firstError(err1, err2, err3); err != nil {
			return err
		}
		ev, err := tracegraph.UnmarshalRecord([]byte(record))
		if err != nil {
			return fmt.Errorf("event %q: %w", id, err)
		}
		out[id] = eventByID{ev, by}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) edgesByEvent(ctx context.Context, tx runner, seq uint64) ([]tracegraph.Edge, error) {
	lo := int64(tracegraph.NewEdgeID(seq, 0))
	hi := int64(tracegraph.NewEdgeID(seq+1, 0))
	var out []tracegraph.Edge
	err := s.each(ctx, tx, qEdgesByEvent, map[string]any{"lo": lo, "hi": hi}, func(rec *neo4j.Record) error {
		e, err := edgeFromRecord(rec)
		out = append(out, e)
		return err
	})
	tracegraph.SortEdges(out)
	return out, err
}
