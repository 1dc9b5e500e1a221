package embedded

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// reader is the store's committed state as a tracegraph.GraphReader.
type reader struct{ s *Store }

func (s *Store) get(k []byte) ([]byte, error) {
	v, closer, err := s.db.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	out := slices.Clone(v)
	closer.Close()
	return out, nil
}

// GetNode implements tracegraph.GraphReader.
func (r *reader) GetNode(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	return r.s.getNode(id)
}

// ViewNode implements tracegraph.GraphReader: the node may be the cache's.
func (r *reader) ViewNode(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	return r.s.viewNode(id)
}

func (s *Store) getNode(id tracegraph.ID) (*tracegraph.Node, error) {
	return s.loadNode(id, false)
}

// viewNode is getNode for answers: the node may be shared with the cache and
// other readers, so the caller must not change it. It saves a copy of every
// property map on the read paths of the API.
func (s *Store) viewNode(id tracegraph.ID) (*tracegraph.Node, error) {
	return s.loadNode(id, true)
}

func (s *Store) loadNode(id tracegraph.ID, shared bool) (*tracegraph.Node, error) {
	s.mu.RLock()
	i, ok := s.t.lookup(id)
	var fl uint8
	if ok {
		fl = s.t.flags[i]
	}
	s.mu.RUnlock()
	if !ok {
		return nil, nil
	}
	return s.readNode(id, fl, shared)
}

// readNode reads node id, whose in-memory flags are fl, without taking
// s.mu (nil when voided). Unless shared, the node is the caller's to change.
func (s *Store) readNode(id tracegraph.ID, fl uint8, shared bool) (*tracegraph.Node, error) {
	if fl&flVoided != 0 {
		return nil, nil
	}
	n, gen := s.cache.get(id, shared)
	if n != nil {
		return n, nil
	}
	var voided bool
	raw, err := s.get(strKey(pNode, string(id)))
	if err == errNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read node %s: %w", id, err)
	}
	n, voided, err = decodeNode(id, raw)
	if err != nil || voided {
		return nil, err
	}
	if fl&flHeld != 0 {
		if n.Holds, err = s.holdsOf(id); err != nil {
			return nil, err
		}
	}
	if shared {
		s.cache.put(n, gen)
	} else {
		s.cache.put(n.Clone(), gen)
	}
	return n, nil
}

func (s *Store) holdsOf(id tracegraph.ID) ([]tracegraph.Hold, error) {
	var hs []tracegraph.Hold
	err := s.scan(strKey(pHold, string(id), ""), func(_, v []byte) error {
		var h tracegraph.Hold
		if err := json.Unmarshal(v, &h); err != nil {
			return fmt.Errorf("decode hold on %s: %w", id, err)
		}
		hs = append(hs, h)
		return nil
	})
	sort.Slice(hs, func(a, b int) bool { return hs[a].Since.Before(hs[b].Since) })
	return hs, err
}

// IdentifierOwners implements tracegraph.GraphReader.
func (r *reader) IdentifierOwners(ctx context.Context, value string) ([]tracegraph.Identifier, error) {
	var out []tracegraph.Identifier
	p := strKey(pIdent, value, "")
	err := r.s.scan(p, func(k, v []byte) error {
		out = append(out, tracegraph.Identifier{Scheme: string(k[len(p):]), Value: value, Node: tracegraph.ID(v)})
		return nil
	})
	return out, err
}

// NodeEdges implements tracegraph.GraphReader. Props and Event are filled
// only with history (the projection needs them only then).
func (r *reader) NodeEdges(ctx context.Context, id tracegraph.ID, dir tracegraph.Direction, history bool) ([]tracegraph.Edge, error) {
	return r.SelectEdges(ctx, id, tracegraph.EdgeSelect{Dir: dir, History: history})
}

// SelectEdges implements tracegraph.GraphReader. The type and the time are
// in the topology: edges of other types or older ones are passed over
// without building them, and their records are never read.
func (r *reader) SelectEdges(ctx context.Context, id tracegraph.ID, sel tracegraph.EdgeSelect) ([]tracegraph.Edge, error) {
	s := r.s
	var since int64
	if !sel.Since.IsZero() {
		since = sel.Since.UnixNano()
	}
	s.mu.RLock()
	i, ok := s.t.lookup(id)
	if !ok {
		s.mu.RUnlock()
		return nil, nil
	}
	var ks []uint32
	collect := func(a *adjacency) {
		a.each(i, func(e uint32) bool {
			m := s.t.emeta[e]
			if m&emVoided == 0 && (sel.History || m&emClosed == 0) &&
				(sel.Type == "" || s.t.edgeType(e) == sel.Type) && (since == 0 || s.t.er[e].from >= since) {
				ks = append(ks, e)
			}
			return true
		})
	}
	if sel.Dir != tracegraph.Downstream {
		collect(&s.t.out)
	}
	if sel.Dir != tracegraph.Upstream {
		collect(&s.t.in)
	}
	out := make([]tracegraph.Edge, len(ks))
	for j, e := range ks {
		out[j] = s.edgeLocked(e)
	}
	s.mu.RUnlock()
	if sel.History {
		if err := s.fillEdges(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// edgeLocked builds an edge from the topology (no Props, no Event). s.mu is held.
func (s *Store) edgeLocked(e uint32) tracegraph.Edge {
	t := s.t
	ed := tracegraph.Edge{ID: t.eid[e], Type: t.edgeType(e), Source: t.name(t.er[e].src), Target: t.name(t.er[e].dst),
		ValidFrom: fromNanos(t.er[e].from), Precision: t.edgePrec(e), Voided: t.emeta[e]&emVoided != 0}
	if c, ok := t.eclose[e]; ok && t.emeta[e]&emClosed != 0 {
		ed.ValidTo, ed.ClosedBy = fromNanos(c.to), c.by
	}
	return ed
}

// fillEdges reads Props and Event of edges from their records.
func (s *Store) fillEdges(es []tracegraph.Edge) error {
	for j := range es {
		raw, err := s.get(seqKey(pEdge, uint64(es[j].ID)))
		if err != nil {
			return fmt.Errorf("read edge %d: %w", es[j].ID, err)
		}
		r, err := decodeEdge(raw)
		if err != nil {
			return err
		}
		es[j].Event, es[j].CloseReason = r.event, r.reason
		if es[j].Props, err = decodeProps(r.props); err != nil {
			return fmt.Errorf("decode edge %d props: %w", es[j].ID, err)
		}
	}
	return nil
}

// HeldBy implements tracegraph.GraphReader.
func (r *reader) HeldBy(ctx context.Context, holdID string) ([]tracegraph.ID, error) {
	var out []tracegraph.ID
	p := strKey(pHeldBy, holdID, "")
	err := r.s.scan(p, func(k, _ []byte) error {
		out = append(out, tracegraph.ID(k[len(p):]))
		return nil
	})
	return out, err
}

// EventByID implements tracegraph.GraphReader.
func (r *reader) EventByID(ctx context.Context, id string) (*tracegraph.Event, string, error) {
	if !r.s.mayHaveEvent(id) {
		return nil, "", nil
	}
	v, err := r.s.get(strKey(pEventID, id))
	if err == errNotFound {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read event %q: %w", id, err)
	}
	if len(v) < 8 {
		return nil, "", fmt.Errorf("the index entry of event %q is malformed (%d bytes)", id, len(v))
	}
	ev, err := r.s.eventAt(binary.BigEndian.Uint64(v[:8]))
	return ev, string(v[8:]), err
}

func (s *Store) eventAt(seq uint64) (*tracegraph.Event, error) {
	raw, err := s.get(seqKey(pEvent, seq))
	if err != nil {
		return nil, fmt.Errorf("read event %d: %w", seq, err)
	}
	return tracegraph.UnmarshalRecord(raw)
}

// EdgesByEvent implements tracegraph.GraphReader.
func (r *reader) EdgesByEvent(ctx context.Context, seq uint64) ([]tracegraph.Edge, error) {
	s := r.s
	s.mu.RLock()
	lo, hi := s.t.edgesOfSeq(seq)
	out := make([]tracegraph.Edge, 0, hi-lo)
	for e := lo; e < hi; e++ {
		out = append(out, s.edgeLocked(uint32(e)))
	}
	s.mu.RUnlock()
	return out, s.fillEdges(out)
}

// ---- public reads

func checkID(id tracegraph.ID) error {
	_, _, err := tracegraph.ParseID(string(id))
	return err
}

// Node implements tracegraph.Graph.
func (s *Store) Node(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	n, err := s.viewNode(id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "id", "%s does not exist", id)
	}
	return n, nil
}

// Nodes implements tracegraph.Graph: the nodes the cache does not hold are
// read through one Pebble iterator (nodes.go).
func (s *Store) Nodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	return s.viewNodes(ctx, ids)
}

// Lookup implements tracegraph.Graph: the nodes of
// tracegraph.LookupCandidates that exist and match the GTIN their code came
// with, each once, in that order.
func (s *Store) Lookup(ctx context.Context, code string) ([]*tracegraph.Node, error) {
	r := &reader{s: s}
	cands, err := tracegraph.LookupCandidates(code, func(v string) ([]tracegraph.Identifier, error) {
		return r.IdentifierOwners(ctx, v)
	})
	if err != nil {
		return nil, err
	}
	var out []*tracegraph.Node
	seen := map[tracegraph.ID]bool{}
	for _, c := range cands {
		if seen[c.ID] {
			continue
		}
		n, err := s.viewNode(c.ID)
		if err != nil {
			return nil, err
		}
		if n == nil {
			continue
		}
		if c.GTIN != "" {
			var p *tracegraph.Node
			if pid := tracegraph.ProductOf(n); pid != "" {
				if p, err = s.viewNode(pid); err != nil {
					return nil, err
				}
			}
			if !tracegraph.MatchesGTIN(n, p, c.GTIN) {
				continue // another product's item: not what this code names
			}
		}
		seen[c.ID] = true
		out = append(out, n)
	}
	return out, nil
}

// Edges implements tracegraph.Graph.
func (s *Store) Edges(ctx context.Context, ids []tracegraph.ID, q tracegraph.EdgeQuery) ([][]tracegraph.Edge, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ef := tracegraph.NewEdgeFilter(q.Types, q.AsOf, q.History, 0)
	out := make([][]tracegraph.Edge, len(ids))
	s.mu.RLock()
	for j, id := range ids {
		i, ok := s.t.lookup(id)
		if !ok || !s.t.live(i) {
			continue
		}
		f := func(e uint32) bool {
			if s.t.edgeCounts(&ef, e) {
				out[j] = append(out[j], s.edgeLocked(e))
			}
			return true
		}
		if q.Direction != tracegraph.Downstream {
			s.t.out.each(i, f)
		}
		if q.Direction != tracegraph.Upstream {
			s.t.in.each(i, f)
		}
	}
	s.mu.RUnlock()
	for _, es := range out {
		if err := s.fillEdges(es); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// NodeEvents implements tracegraph.Graph: the node's history entries and
// its edges' events (history.go).
func (s *Store) NodeEvents(ctx context.Context, id tracegraph.ID) ([]*tracegraph.Event, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	seqs, err := s.nodeHistory(id)
	if err != nil {
		return nil, err
	}
	if len(seqs) == 0 {
		if n, err := s.getNode(id); err != nil {
			return nil, err
		} else if n == nil {
			return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "id", "%s does not exist", id)
		}
	}
	out := make([]*tracegraph.Event, 0, len(seqs))
	for _, seq := range seqs {
		ev, err := s.eventAt(seq)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// Events implements tracegraph.EventLog: the records EventRecords hands
// out, decoded.
func (s *Store) Events(ctx context.Context, after uint64, limit int) ([]*tracegraph.Event, error) {
	var out []*tracegraph.Event
	var bad error
	err := s.EventRecords(ctx, after, limit, func(rec []byte) error {
		ev, err := tracegraph.UnmarshalRecord(rec)
		if err != nil {
			bad = err
			return err
		}
		out = append(out, ev)
		return nil
	})
	if bad != nil {
		return nil, bad
	}
	return out, err
}

// Event implements tracegraph.EventLog.
func (s *Store) Event(ctx context.Context, id string) (*tracegraph.Event, error) {
	ev, _, err := (&reader{s: s}).EventByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev == nil {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "id", "no event with id %q", id)
	}
	return ev, nil
}

// statsCheckEvery is how many nodes or edges Stats counts between two looks
// at its context.
const statsCheckEvery = 1 << 16

// Stats implements tracegraph.Graph. It counts every node and edge, and
// stops when ctx ends (the client went away, the request's deadline passed).
func (s *Store) Stats(ctx context.Context) (tracegraph.Stats, error) {
	st := tracegraph.Stats{Nodes: map[tracegraph.Label]int{}, Edges: map[tracegraph.EdgeType]int{}}
	if err := s.count(ctx, &st); err != nil {
		return tracegraph.Stats{}, err
	}
	st.DiskBytes = int64(s.db.Metrics().DiskSpaceUsage())
	return st, nil
}

// count fills in st's events, nodes, edges and memory.
func (s *Store) count(ctx context.Context, st *tracegraph.Stats) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st.Events = s.headSeq
	for i, l := range s.t.label {
		if i%statsCheckEvery == statsCheckEvery-1 && ctx.Err() != nil {
			return ctx.Err()
		}
		if s.t.flags[i]&flVoided == 0 {
			st.Nodes[tracegraph.Labels[l]]++
		}
	}
	for i, m := range s.t.emeta {
		if i%statsCheckEvery == statsCheckEvery-1 && ctx.Err() != nil {
			return ctx.Err()
		}
		if m&emVoided == 0 {
			st.Edges[tracegraph.EdgeTypes[m&emTypeMask]]++
		}
	}
	nb, eb := s.t.memBytes()
	st.MemBytes = nb + eb
	return nil
}
