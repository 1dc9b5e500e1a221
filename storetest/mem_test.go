package storetest

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// TestReference runs the suite against memStore, a deliberately simple
// in-memory store kept only to check the suite itself: its fixtures are
// accepted and its answers are those the shared projection gives. It is not a
// backend and favours plainness over speed.
func TestReference(t *testing.T) {
	Run(t, func(t *testing.T) tracegraph.Store { return newMemStore() })
}

type memStore struct {
	mu       sync.Mutex
	log      []*tracegraph.Event
	byID     map[string]*tracegraph.Event
	voidedBy map[string]string
	nodes    map[tracegraph.ID]*tracegraph.Node
	edges    map[tracegraph.EdgeID]*tracegraph.Edge
	out, in  map[tracegraph.ID][]tracegraph.EdgeID
	bySeq    map[uint64][]tracegraph.EdgeID
	idents   map[string][]tracegraph.Identifier
	heldBy   map[string]map[tracegraph.ID]bool
	touched  map[tracegraph.ID][]uint64
	subs     map[chan uint64]bool
	// views holds, while a batch is projected, every node ViewNode handed
	// out and a copy of it as it was: Apply fails when the rules changed
	// one, which ViewNode's callers promise not to do.
	views map[*tracegraph.Node]*tracegraph.Node
}

var (
	_ tracegraph.Store       = (*memStore)(nil)
	_ tracegraph.GraphReader = (*memStore)(nil)
	_ tracegraph.Verifier    = (*memStore)(nil)
	_ tracegraph.Analyst     = (*memStore)(nil)
)

func newMemStore() *memStore {
	return &memStore{
		byID: map[string]*tracegraph.Event{}, voidedBy: map[string]string{},
		nodes: map[tracegraph.ID]*tracegraph.Node{}, edges: map[tracegraph.EdgeID]*tracegraph.Edge{},
		out: map[tracegraph.ID][]tracegraph.EdgeID{}, in: map[tracegraph.ID][]tracegraph.EdgeID{},
		bySeq: map[uint64][]tracegraph.EdgeID{}, idents: map[string][]tracegraph.Identifier{},
		heldBy: map[string]map[tracegraph.ID]bool{}, touched: map[tracegraph.ID][]uint64{},
		subs: map[chan uint64]bool{},
	}
}

// ---- GraphReader (called with mu held)

func (s *memStore) GetNode(_ context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	return s.nodes[id].Clone(), nil
}

func (s *memStore) ViewNode(_ context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	n := s.nodes[id]
	if _, ok := s.views[n]; n != nil && s.views != nil && !ok {
		was := n.Clone()
		was.Holds = slices.Clone(n.Holds) // Clone makes no holds nil
		s.views[n] = was
	}
	return n, nil
}

func (s *memStore) IdentifierOwners(_ context.Context, v string) ([]tracegraph.Identifier, error) {
	return slices.Clone(s.idents[v]), nil
}

func (s *memStore) NodeEdges(_ context.Context, id tracegraph.ID, dir tracegraph.Direction, history bool) ([]tracegraph.Edge, error) {
	return s.edgesOf(id, dir, func(e *tracegraph.Edge) bool { return history || e.Open() }), nil
}

func (s *memStore) SelectEdges(ctx context.Context, id tracegraph.ID, sel tracegraph.EdgeSelect) ([]tracegraph.Edge, error) {
	es, err := s.NodeEdges(ctx, id, sel.Dir, sel.History)
	return tracegraph.SelectFrom(es, sel), err
}

func (s *memStore) edgesOf(id tracegraph.ID, dir tracegraph.Direction, keep func(*tracegraph.Edge) bool) []tracegraph.Edge {
	var ids []tracegraph.EdgeID
	if dir != tracegraph.Downstream {
		ids = append(ids, s.out[id]...)
	}
	if dir != tracegraph.Upstream {
		for _, eid := range s.in[id] {
			if !slices.Contains(ids, eid) {
				ids = append(ids, eid)
			}
		}
	}
	var out []tracegraph.Edge
	for _, eid := range ids {
		e := s.edges[eid]
		if !e.Voided && keep(e) {
			c := *e
			c.Props = maps.Clone(e.Props)
			out = append(out, c)
		}
	}
	return out
}

func (s *memStore) HeldBy(_ context.Context, h string) ([]tracegraph.ID, error) {
	return slices.Sorted(maps.Keys(s.heldBy[h])), nil
}

func (s *memStore) EventByID(_ context.Context, id string) (*tracegraph.Event, string, error) {
	e := s.byID[id]
	if e == nil {
		return nil, "", nil
	}
	c := *e
	return &c, s.voidedBy[id], nil
}

func (s *memStore) EdgesByEvent(_ context.Context, seq uint64) ([]tracegraph.Edge, error) {
	var out []tracegraph.Edge
	for _, eid := range s.bySeq[seq] {
		out = append(out, *s.edges[eid])
	}
	return out, nil
}

// ---- EventLog

func (s *memStore) Apply(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.views = map[*tracegraph.Node]*tracegraph.Node{}
	res, err := tracegraph.ProjectBatch(ctx, s, events, opts, uint64(len(s.log))+1)
	views := s.views
	s.views = nil
	if err != nil {
		return nil, err
	}
	for n, was := range views {
		if !reflect.DeepEqual(n, was) {
			return nil, fmt.Errorf("the rules changed %s, which they read through ViewNode", n.ID)
		}
	}
	for _, e := range res.Accepted {
		prev := ""
		if len(s.log) > 0 {
			prev = s.log[len(s.log)-1].Hash
		}
		e.Seal(e.Seq, time.Now(), prev)
		s.log = append(s.log, e)
		s.byID[e.ID] = e
	}
	for _, m := range res.Tx.Mutations() {
		s.mutate(m)
		for _, id := range m.Nodes() {
			if t := s.touched[id]; len(t) == 0 || t[len(t)-1] != m.Seq {
				s.touched[id] = append(t, m.Seq)
			}
		}
	}
	if len(res.Accepted) > 0 {
		head := uint64(len(s.log))
		for ch := range s.subs {
			select {
			case <-ch:
			default:
			}
			select {
			case ch <- head:
			default:
			}
		}
	}
	return res.Outcomes, nil
}

func (s *memStore) mutate(m tracegraph.Mutation) {
	switch m.Op {
	case tracegraph.OpPutNode:
		n := m.Node.Clone()
		if old := s.nodes[n.ID]; old != nil {
			n.Holds = old.Holds
		} else {
			n.Holds = nil
		}
		s.nodes[n.ID] = n
	case tracegraph.OpVoidNode:
		delete(s.nodes, m.ID)
	case tracegraph.OpAddEdge:
		e := *m.Edge
		e.Props = maps.Clone(e.Props)
		s.edges[e.ID] = &e
		s.out[e.Source] = append(s.out[e.Source], e.ID)
		s.in[e.Target] = append(s.in[e.Target], e.ID)
		s.bySeq[e.ID.Seq()] = append(s.bySeq[e.ID.Seq()], e.ID)
	case tracegraph.OpUpdateEdge:
		e := s.edges[m.Edge.ID]
		e.ValidTo, e.ClosedBy, e.CloseReason, e.Voided = m.Edge.ValidTo, m.Edge.ClosedBy, m.Edge.CloseReason, m.Edge.Voided
	case tracegraph.OpAddHold, tracegraph.OpRemoveHold:
		n := s.nodes[m.ID]
		if n == nil {
			return
		}
		n.Holds = slices.DeleteFunc(n.Holds, func(h tracegraph.Hold) bool { return h.ID == m.Hold.ID })
		if s.heldBy[m.Hold.ID] == nil {
			s.heldBy[m.Hold.ID] = map[tracegraph.ID]bool{}
		}
		delete(s.heldBy[m.Hold.ID], m.ID)
		if m.Op == tracegraph.OpAddHold {
			n.Holds = append(n.Holds, *m.Hold)
			s.heldBy[m.Hold.ID][m.ID] = true
		}
	case tracegraph.OpAddIdentifier:
		s.idents[m.Ident.Value] = append(s.idents[m.Ident.Value], *m.Ident)
	case tracegraph.OpRemoveIdentifier:
		s.idents[m.Ident.Value] = slices.DeleteFunc(s.idents[m.Ident.Value], func(i tracegraph.Identifier) bool { return i == *m.Ident })
	case tracegraph.OpVoidEvent:
		s.voidedBy[m.EventID] = m.VoidedBy
	}
}

func (s *memStore) Events(_ context.Context, after uint64, limit int) ([]*tracegraph.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*tracegraph.Event
	for i := after; i < uint64(len(s.log)) && len(out) < limit; i++ {
		c := *s.log[i]
		out = append(out, &c)
	}
	return out, nil
}

func (s *memStore) Event(_ context.Context, id string) (*tracegraph.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.byID[id]
	if e == nil {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "id", "no event %q", id)
	}
	c := *e
	return &c, nil
}

func (s *memStore) Head(context.Context) (uint64, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) == 0 {
		return 0, "", nil
	}
	return uint64(len(s.log)), s.log[len(s.log)-1].Hash, nil
}

func (s *memStore) Changes(ctx context.Context) <-chan uint64 {
	ch := make(chan uint64, 1)
	s.mu.Lock()
	s.subs[ch] = true
	s.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.mu.Lock()
		delete(s.subs, ch)
		close(ch)
		s.mu.Unlock()
	}()
	return ch
}

// ---- Graph

func (s *memStore) Node(_ context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	if _, _, err := tracegraph.ParseID(string(id)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nodes[id]
	if n == nil {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "id", "%s does not exist", id)
	}
	return n.Clone(), nil
}

func (s *memStore) Nodes(_ context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*tracegraph.Node, len(ids))
	for i, id := range ids {
		out[i] = s.nodes[id].Clone()
	}
	return out, nil
}

func (s *memStore) Lookup(_ context.Context, code string) ([]*tracegraph.Node, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*tracegraph.Node
	var gtin string
	add := func(id tracegraph.ID, labels []tracegraph.Label) {
		n := s.nodes[id]
		if n == nil || (len(labels) > 0 && !slices.Contains(labels, n.Label)) {
			return
		}
		if !tracegraph.MatchesGTIN(n, s.nodes[tracegraph.ProductOf(n)], gtin) {
			return
		}
		if !slices.ContainsFunc(out, func(o *tracegraph.Node) bool { return o.ID == id }) {
			out = append(out, n.Clone())
		}
	}
	codes, err := tracegraph.ParseScan(code)
	if err != nil {
		return nil, err
	}
	for _, c := range codes {
		gtin = c.GTIN
		labels := tracegraph.LabelsForAI(c.AI)
		if tracegraph.LooksLikeID(c.Value) {
			add(tracegraph.ID(c.Value), labels)
			continue
		}
		for _, l := range tracegraph.Labels {
			add(tracegraph.NewID(l, c.Value), labels)
		}
		owners, _ := tracegraph.IdentifierOwnersOf(c.Value, func(v string) ([]tracegraph.Identifier, error) {
			return s.idents[v], nil
		})
		for _, i := range owners {
			add(i.Node, labels)
		}
	}
	return out, nil
}

// valid says whether e is part of the structure asked for.
func valid(e *tracegraph.Edge, asOf time.Time, history bool) bool {
	switch {
	case e.Voided:
		return false
	case history:
		return true
	case asOf.IsZero():
		return e.Open()
	}
	return e.ValidAt(asOf)
}

func (s *memStore) Edges(_ context.Context, ids []tracegraph.ID, q tracegraph.EdgeQuery) ([][]tracegraph.Edge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]tracegraph.Edge, len(ids))
	for i, id := range ids {
		out[i] = s.edgesOf(id, q.Direction, func(e *tracegraph.Edge) bool {
			return valid(e, q.AsOf, q.History) && (len(q.Types) == 0 || slices.Contains(q.Types, e.Type))
		})
	}
	return out, nil
}

func (s *memStore) Trace(ctx context.Context, req tracegraph.TraceRequest) (*tracegraph.TraceResult, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range req.From {
		if s.nodes[id] == nil {
			return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "from", "%s does not exist", id)
		}
	}
	w := s.walker(tracegraph.NewEdgeFilter(req.EdgeTypes, req.AsOf, req.History, req.MinPrecision))
	return tracegraph.RunTrace(ctx, w, tracegraph.NewMarks(0), w.handles(req.From), &req)
}

func (s *memStore) Explode(ctx context.Context, id tracegraph.ID, asOf time.Time) (tracegraph.ExplodeResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out tracegraph.ExplodeResult
	if s.nodes[id] == nil {
		return out, tracegraph.Errorf(tracegraph.CodeNotFound, "id", "%s does not exist", id)
	}
	w := s.walker(tracegraph.NewEdgeFilter([]tracegraph.EdgeType{tracegraph.EdgeContains}, asOf, false, 0))
	m := tracegraph.NewMarks(0)
	r, err := tracegraph.Walk(ctx, w, m, w.handles([]tracegraph.ID{id}), tracegraph.WalkSpec{Up: true, MaxDepth: tracegraph.MaxTraceDepth})
	if err != nil {
		return out, err
	}
	for _, i := range r.Order[1:] {
		if l := w.ids[i].Label(); l == tracegraph.LabelUnit || l == tracegraph.LabelComponent {
			tn := w.TraceNode(i)
			tn.Depth = m.Depth(i)
			if err := out.Add(tn); err != nil {
				return tracegraph.ExplodeResult{}, err
			}
		}
	}
	return out, nil
}

func (s *memStore) NodeEvents(_ context.Context, id tracegraph.ID) ([]*tracegraph.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*tracegraph.Event
	for _, seq := range s.touched[id] {
		c := *s.log[seq-1]
		out = append(out, &c)
	}
	return out, nil
}

func (s *memStore) Units(_ context.Context, f tracegraph.UnitFilter, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := page.Normalize(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*tracegraph.Node
	for _, n := range s.nodes {
		created := n.Time("createdAt")
		if n.Label != tracegraph.LabelUnit ||
			(f.PartNumber != "" && n.Str("partNumber") != f.PartNumber) ||
			(f.WorkOrder != "" && n.Str("workOrder") != f.WorkOrder) ||
			(f.Status != "" && n.Status() != f.Status) ||
			(f.OnHold != nil && n.OnHold() != *f.OnHold) ||
			!strings.HasPrefix(n.Key(), f.SerialPrefix) ||
			(!f.CreatedFrom.IsZero() && created.Before(f.CreatedFrom)) ||
			(!f.CreatedTo.IsZero() && !created.Before(f.CreatedTo)) {
			continue
		}
		match = append(match, n)
	}
	slices.SortFunc(match, func(a, b *tracegraph.Node) int { return strings.Compare(string(a.ID), string(b.ID)) })
	p := &tracegraph.UnitPage{TotalCount: len(match)}
	for _, n := range match {
		if page.After != "" && string(n.ID) <= page.After {
			continue
		}
		if len(p.Units) == page.First {
			p.HasNextPage = true
			break
		}
		p.Units = append(p.Units, n.Clone())
		p.Cursors = append(p.Cursors, string(n.ID))
	}
	return p, nil
}

func (s *memStore) RecallImpact(ctx context.Context, req tracegraph.RecallRequest) (*tracegraph.RecallReport, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rc, err := s.affected(ctx, req)
	if err != nil {
		return nil, err
	}
	rep := &tracegraph.RecallReport{Suspects: req.Suspects, AsOf: req.AsOf}
	ru := tracegraph.NewRollup(rc.w, &rc.w.f, nil)
	for _, i := range rc.units {
		ru.Add(i, rep.Add(rc.w.recallUnit(rc.m, i)))
	}
	ru.Finish()
	ru.Fill(rep, rc.w.name, len(rc.w.ids))
	return rep, nil
}

func (s *memStore) Stats(context.Context) (tracegraph.Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := tracegraph.Stats{Events: uint64(len(s.log)), Nodes: map[tracegraph.Label]int{}, Edges: map[tracegraph.EdgeType]int{}}
	for _, n := range s.nodes {
		st.Nodes[n.Label]++
	}
	for _, e := range s.edges {
		if !e.Voided {
			st.Edges[e.Type]++
		}
	}
	return st, nil
}

func (s *memStore) Verify(_ context.Context, opts tracegraph.VerifyOptions) (*tracegraph.VerifyReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := &tracegraph.VerifyReport{Events: uint64(len(s.log)), HeadSeq: uint64(len(s.log)), Problems: []string{}}
	var chain tracegraph.ChainChecker
	chain.Expect(opts.ExpectHead)
	for _, e := range s.log {
		rep.Problems = append(rep.Problems, chain.Check(e)...)
	}
	rep.Problems = append(rep.Problems, chain.Finish()...)
	rep.HeadHash, _ = chain.Last()
	return rep, nil
}

func (s *memStore) Ping(context.Context) error { return nil }
func (s *memStore) Close() error               { return nil }

// ---- Analyst, by brute force (called without mu unless said)

// suspects returns req's suspects and the material it matches. mu is held.
func (s *memStore) suspects(req tracegraph.RecallRequest) ([]tracegraph.ID, error) {
	for _, id := range req.Suspects {
		if s.nodes[id] == nil {
			return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "suspects", "%s does not exist", id)
		}
	}
	out := slices.Clone(req.Suspects)
	if req.Material != nil {
		out = append(out, s.material(req.Material)...)
	}
	return out, nil
}

// material lists the nodes f matches, sorted. mu is held.
func (s *memStore) material(f *tracegraph.MaterialFilter) []tracegraph.ID {
	var out []tracegraph.ID
	for id, n := range s.nodes {
		if f.Match(n) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// affected walks downstream from req's suspects as a recall does. mu is held.
func (s *memStore) affected(ctx context.Context, req tracegraph.RecallRequest) (*memRecall, error) {
	sus, err := s.suspects(req)
	if err != nil {
		return nil, err
	}
	return s.recallWalk(ctx, sus, req.AsOf, req.History)
}

func (s *memStore) FindMaterial(_ context.Context, f tracegraph.MaterialFilter) ([]tracegraph.ID, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.material(&f), nil
}

func (s *memStore) RecallUnits(ctx context.Context, req tracegraph.RecallRequest, emit func(tracegraph.RecallUnit) error) error {
	if err := req.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	rc, err := s.affected(ctx, req)
	var us []tracegraph.RecallUnit
	if err == nil {
		for _, i := range rc.units {
			us = append(us, rc.w.recallUnit(rc.m, i))
		}
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	for _, u := range us {
		if err := emit(u); err != nil {
			return err
		}
	}
	return nil
}

func (s *memStore) Evidence(ctx context.Context, req tracegraph.RecallRequest, unit tracegraph.ID) ([]tracegraph.Edge, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if _, _, err := tracegraph.ParseID(string(unit)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.nodes[unit]; n == nil || n.Label != tracegraph.LabelUnit {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "unit", "unit %s does not exist", unit)
	}
	sus, err := s.suspects(req)
	if err != nil {
		return nil, err
	}
	isSuspect := map[tracegraph.ID]bool{}
	for _, id := range sus {
		isSuspect[id] = true
	}
	if isSuspect[unit] {
		return []tracegraph.Edge{}, nil
	}
	// Breadth first from the unit upstream, once per precision, best first.
	for _, p := range []tracegraph.Precision{tracegraph.PrecisionExact, tracegraph.PrecisionCandidate, tracegraph.PrecisionOrder} {
		parent := map[tracegraph.ID]tracegraph.Edge{}
		seen := map[tracegraph.ID]bool{unit: true}
		frontier := []tracegraph.ID{unit}
		for len(frontier) > 0 {
			var next []tracegraph.ID
			for _, id := range frontier {
				for _, e := range s.edgesOf(id, tracegraph.Upstream, func(e *tracegraph.Edge) bool {
					return valid(e, req.AsOf, req.History) && e.Type.Structural() && e.Precision >= p && !e.Target.Label().IsContainer()
				}) {
					if seen[e.Target] {
						continue
					}
					seen[e.Target] = true
					parent[e.Target] = e
					if isSuspect[e.Target] {
						var path []tracegraph.Edge
						for v := e.Target; v != unit; v = parent[v].Source {
							path = append(path, parent[v])
						}
						return path, nil
					}
					next = append(next, e.Target)
				}
			}
			frontier = next
		}
	}
	return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "unit", "%s is not affected by these suspects", unit)
}

// whereUsed walks from the material req names and returns the walk, the
// units it keeps (in walk order) and how much material matched. mu is held.
func (s *memStore) whereUsed(ctx context.Context, req *tracegraph.WhereUsedRequest) (*memRecall, []uint32, int, error) {
	material := s.material(&req.Material)
	rc, err := s.recallWalk(ctx, material, req.AsOf, req.History)
	if err != nil {
		return nil, nil, 0, err
	}
	units := rc.units
	if req.ShipWindow() {
		ru := tracegraph.NewRollup(rc.w, &rc.w.f, nil)
		units = slices.DeleteFunc(slices.Clone(units), func(i uint32) bool { return !ru.ShippedIn(i, req.InShipWindow) })
	}
	return rc, units, len(material), nil
}

func (s *memStore) WhereUsed(ctx context.Context, req tracegraph.WhereUsedRequest) (*tracegraph.WhereUsedReport, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	after, _ := req.Page.AfterID()
	s.mu.Lock()
	defer s.mu.Unlock()
	rc, units, nMaterial, err := s.whereUsed(ctx, &req)
	if err != nil {
		return nil, err
	}
	rep := &tracegraph.WhereUsedReport{AsOf: req.AsOf, Material: nMaterial}
	ru := tracegraph.NewRollup(rc.w, &rc.w.f, nil)
	var us []tracegraph.RecallUnit
	for _, i := range units {
		u := rc.w.recallUnit(rc.m, i)
		ru.Add(i, rep.Count(u))
		us = append(us, u)
	}
	ru.Finish()
	rep.Products, rep.ProductUnits = ru.PartCounts(func(i uint32) string { return s.nodes[rc.w.ids[i]].Str("partNumber") },
		func(i uint32) bool { return rc.m.Precision(i) == tracegraph.PrecisionExact })
	rep.WorkOrders = ru.Entries(tracegraph.LabelWorkOrder, rc.w.name, len(rc.w.ids))
	rep.Customers = ru.Entries(tracegraph.LabelCustomer, rc.w.name, len(rc.w.ids))
	slices.SortFunc(us, func(a, b tracegraph.RecallUnit) int { return strings.Compare(string(a.ID), string(b.ID)) })
	for _, u := range us {
		if after != "" && u.ID <= after {
			continue
		}
		if len(rep.Units) == req.Page.First {
			rep.HasNextPage = true
			break
		}
		rep.Units = append(rep.Units, u)
		rep.Cursors = append(rep.Cursors, tracegraph.CursorOf(u.ID))
	}
	return rep, nil
}

func (s *memStore) WhereUsedUnits(ctx context.Context, req tracegraph.WhereUsedRequest, emit func(tracegraph.RecallUnit) error) error {
	req.Page = tracegraph.Page{}
	if err := req.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	rc, units, _, err := s.whereUsed(ctx, &req)
	var us []tracegraph.RecallUnit
	if err == nil {
		for _, i := range units {
			us = append(us, rc.w.recallUnit(rc.m, i))
		}
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	for _, u := range us {
		if err := emit(u); err != nil {
			return err
		}
	}
	return nil
}

// recordUnits pages the units linked by typ edges into the records match accepts.
func (s *memStore) recordUnits(typ tracegraph.EdgeType, page tracegraph.Page, match func(*tracegraph.Node) bool) (*tracegraph.UnitPage, error) {
	if err := page.Normalize(); err != nil {
		return nil, err
	}
	after, err := page.AfterID()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	units := map[tracegraph.ID]bool{}
	for _, e := range s.edges {
		if e.Type == typ && !e.Voided && s.nodes[e.Source] != nil && match(s.nodes[e.Target]) {
			units[e.Source] = true
		}
	}
	p := &tracegraph.UnitPage{TotalCount: len(units)}
	for _, id := range slices.Sorted(maps.Keys(units)) {
		if after != "" && id <= after {
			continue
		}
		if len(p.Units) == page.First {
			p.HasNextPage = true
			break
		}
		p.Units = append(p.Units, s.nodes[id].Clone())
		p.Cursors = append(p.Cursors, tracegraph.CursorOf(id))
	}
	return p, nil
}

func (s *memStore) ProcessUnits(_ context.Context, q tracegraph.ProcessQuery, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return s.recordUnits(tracegraph.EdgeProcessedBy, page, q.Match)
}

func (s *memStore) TestUnits(_ context.Context, q tracegraph.TestQuery, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return s.recordUnits(tracegraph.EdgeTestedBy, page, q.Match)
}
