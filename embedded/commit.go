package embedded

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// commit seals the events (unless they are sealed already: an Import),
// writes them and their mutations in one synced batch, then applies the
// mutations to the topology. Nothing else may be in flight: the writer
// drained its groups (an Import), so the group is staged on the store.
func (s *Store) commit(events []*tracegraph.Event, muts []tracegraph.Mutation, sealed bool) error {
	if err := s.stage(s.persister, nil, events, muts, sealed); err != nil {
		return err
	}
	return s.apply(s.persister, events, muts)
}

// stage is a group's commit up to Pebble: it seals the events into the
// hash chain (unless sealed), encodes their records and the mutations'
// and writes them, in key order, into p's Pebble batch. It changes nothing
// a reader sees, so the writer stages a group while the group before it
// (staged in under, the other persister; nil: none in flight) is still in
// its commit: the chain, the record time and the new nodes' indexes go on
// from under's, and the records under's group wrote are read from under
// before the store (see persister.under).
func (s *Store) stage(p, under *persister, events []*tracegraph.Event, muts []tracegraph.Mutation, sealed bool) error {
	var (
		prev, head, floor = "", uint64(0), time.Time{}
		next              uint32
	)
	if under != nil {
		prev, head, floor, next = under.headHash, under.headSeq, under.headAt, under.next
	} else {
		s.mu.RLock()
		prev, head, floor, next = s.headHash, s.headSeq, s.headRecordedAt, uint32(s.t.nodeCount())
		s.mu.RUnlock()
	}
	now := tracegraph.RecordTime(s.opts.Clock(), floor)
	if events[0].Seq != head+1 {
		return fmt.Errorf("events start at seq %d after head %d", events[0].Seq, head)
	}
	for _, ev := range events {
		if !sealed {
			ev.Seal(ev.Seq, now, prev)
		}
		if err := ev.CheckRecord(); err != nil {
			return err
		}
		prev = ev.Hash
	}
	p.reset(next, events, under)
	for _, ev := range events {
		rec, err := ev.MarshalRecord()
		if err != nil {
			return err
		}
		if err := p.set(appendSeqKey(p.key[:0], pEvent, ev.Seq), rec); err != nil {
			return err
		}
		p.key = appendStrKey(p.key[:0], pEventID, ev.ID)
		if err := p.set(p.key, binary.BigEndian.AppendUint64(p.val[:0], ev.Seq)); err != nil {
			return err
		}
		if err := p.setEventTime(ev); err != nil {
			return err
		}
	}
	for i := range muts {
		if err := p.persist(&muts[i]); err != nil {
			return fmt.Errorf("persist mutation %d of event %d: %w", i, muts[i].Seq, err)
		}
	}
	if err := p.endHistory(); err != nil {
		return err
	}
	last := events[len(events)-1]
	headRec := append(binary.BigEndian.AppendUint64(p.val[:0], last.Seq), last.Hash...)
	if err := p.set([]byte(headKey), headRec); err != nil {
		return err
	}
	if err := p.st.writeTo(p.b); err != nil {
		return err
	}
	p.headSeq, p.headHash, p.headAt = last.Seq, last.Hash, last.RecordedAt
	if p.hooks != nil {
		p.hooks.staged()
	}
	return nil
}

// apply commits the batch stage left in p (synced unless bulk or
// loading), then publishes it: the ids, the topology, the node cache and
// the head, under the store's lock. Groups apply one at a time, in order,
// each after the one it was staged on: what a reader sees is always a
// synced commit's.
func (s *Store) apply(p *persister, events []*tracegraph.Event, muts []tracegraph.Mutation) error {
	if p.hooks != nil {
		p.hooks.applying()
	}
	sync := pebble.Sync
	if s.opts.Bulk || s.loading.Load() {
		sync = pebble.NoSync
	}
	if err := p.b.Commit(sync); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range events {
		s.ids.add(ev.ID)
	}
	for i := range muts {
		s.publish(&muts[i])
	}
	s.cache.publish(muts, func(id tracegraph.ID) bool {
		i, ok := s.t.lookup(id)
		return ok && s.t.flags[i]&flHeld != 0
	})
	s.t.maybeCompact()
	s.headSeq, s.headHash, s.headRecordedAt = p.headSeq, p.headHash, p.headAt
	return nil
}

// diskIndex is the persisted index of node id in the topology, read under
// the store's lock: a group is staged while the one before it publishes.
func (s *Store) diskIndex(id tracegraph.ID) (uint32, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.t.lookupDisk(id)
}

// voided reports whether the topology holds node id voided.
func (s *Store) voided(id tracegraph.ID) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	at, ok := s.t.lookup(id) // its position (persisted indexes are not)
	return ok && s.t.flags[at]&flVoided != 0
}

// maxRetainedBatch is the largest batch buffer a store keeps between
// commits (a group of 20,000 events takes about 10 MB).
const maxRetainedBatch = 64 << 20

// persister writes mutations into a Pebble batch, through a sortedBatch
// that hands them over in key order. Nodes new in this batch get
// indexes in the order they appear, which publish reproduces. The batch is
// not indexed: the records a later mutation of the same batch reads back
// (node, edge and event id records) are kept in maps of their own, as
// slices of the staged bytes, until the persister stages its next batch.
//
// A store has two (twin): the writer stages a group in one while the group
// before it, staged in the other, is in its Pebble commit; under points at
// that one, and what a mutation reads back (a record, a node's index or
// whether it is voided) is read from this batch, then under's, then the
// store. One layer is enough: every group before under's was committed and
// published before this batch began (the writer hands a group over only
// then), so the store shows it.
type persister struct {
	s       *Store
	b       *pebble.Batch
	st      sortedBatch
	twin    *persister
	under   *persister // see above; nil: the store shows every group before this one
	next    uint32
	pending map[tracegraph.ID]uint32
	// voidedNow holds the indexed nodes voided in this batch, so that a put
	// reviving one writes its index entries again.
	voidedNow map[tracegraph.ID]bool
	nodes     map[tracegraph.ID]stagedNode // node records written in this batch
	edges     map[tracegraph.EdgeID][]byte // edge records written in this batch
	eventIDs  map[string][]byte            // event id records rewritten in this batch
	events    map[string]uint64            // this batch's events by id, made when first needed
	batchEvs  []*tracegraph.Event
	// scratch buffers: the batch copies keys and values
	key, val, props []byte
	ix              ixWriter
	// hist: the current event's history entries, staged when its
	// mutations end (history.go).
	hist histEvent
	// The head the batch leaves once staged (stage), where the next
	// group's chain, record time and node indexes go on (with next).
	headSeq  uint64
	headHash string
	headAt   time.Time
	hooks    *commitHooks // tests: nil
}

// commitHooks let a test see a commit's stages and hold them: staged is
// called once a group is staged, applying before Pebble takes its batch.
type commitHooks struct {
	staged, applying func()
}

// setHooks sets the hooks of p and its twin (before the first commit).
func (p *persister) setHooks(h *commitHooks) { p.hooks, p.twin.hooks = h, h }

// stagedNode is a node record staged in a batch, and whether it voids the
// node.
type stagedNode struct {
	rec    []byte
	voided bool
}

// newPersister returns a store's persister and its twin.
func newPersister(s *Store) *persister {
	one := func() *persister {
		return &persister{s: s, b: s.db.NewBatch(pebble.WithMaxRetainedSizeBytes(maxRetainedBatch)),
			pending: map[tracegraph.ID]uint32{}, nodes: map[tracegraph.ID]stagedNode{}, edges: map[tracegraph.EdgeID][]byte{},
			eventIDs: map[string][]byte{}}
	}
	p, q := one(), one()
	p.twin, q.twin = q, p
	return p
}

// other returns the persister to stage a batch in on top of under's: not
// under itself.
func (p *persister) other(under *persister) *persister {
	if under == p {
		return p.twin
	}
	return p
}

// close releases both persisters' batches.
func (p *persister) close() {
	p.b.Close()
	p.twin.b.Close()
}

// reset readies p for a batch of events whose new nodes get indexes from
// next on, staged on top of under's batch (nil: on the store). It drops
// what p staged before.
func (p *persister) reset(next uint32, events []*tracegraph.Event, under *persister) {
	p.st.reset()
	p.b.Reset()
	p.next, p.batchEvs, p.under = next, events, under
	clear(p.pending)
	clear(p.nodes)
	clear(p.edges)
	clear(p.eventIDs)
	p.hist.reset(0)
	p.voidedNow, p.events = nil, nil
}

// index is the persisted index of id (see renumber.go), pending (in this
// batch or under's) or known.
func (p *persister) index(id tracegraph.ID) (uint32, bool) {
	if i, ok := p.pending[id]; ok {
		return i, true
	}
	if p.under != nil {
		if i, ok := p.under.pending[id]; ok {
			return i, true
		}
	}
	return p.s.diskIndex(id)
}

func (p *persister) set(k, v []byte) error {
	p.st.set(k, v)
	return nil
}

// setKept sets k to v and returns the staged copy of v (valid until the
// commit ends).
func (p *persister) setKept(k, v []byte) []byte { return p.st.set(k, v) }

// delete deletes k.
func (p *persister) delete(k []byte) error {
	p.st.delete(k)
	return nil
}

// nodeRecord reads the record of node id as of this batch.
func (p *persister) nodeRecord(id tracegraph.ID) ([]byte, error) {
	if v, ok := p.nodes[id]; ok {
		return v.rec, nil
	}
	if p.under != nil {
		if v, ok := p.under.nodes[id]; ok {
			return v.rec, nil
		}
	}
	return p.stored(appendStrKey(p.key[:0], pNode, string(id)))
}

// wasVoided reports whether node id, which exists and was not written in
// this batch, is voided as of this batch.
func (p *persister) wasVoided(id tracegraph.ID) bool {
	if p.under != nil {
		if v, ok := p.under.nodes[id]; ok {
			return v.voided
		}
	}
	return p.s.voided(id)
}

// edgeRecord reads the record of edge id as of this batch.
func (p *persister) edgeRecord(id tracegraph.EdgeID) ([]byte, error) {
	if v, ok := p.edges[id]; ok {
		return v, nil
	}
	if p.under != nil {
		if v, ok := p.under.edges[id]; ok {
			return v, nil
		}
	}
	return p.stored(appendSeqKey(p.key[:0], pEdge, uint64(id)))
}

// eventIDRecord reads the id index record of event id as of this batch.
func (p *persister) eventIDRecord(id string) ([]byte, error) {
	if v, ok := p.stagedEventID(id); ok {
		return v, nil
	}
	if p.under != nil {
		if v, ok := p.under.stagedEventID(id); ok {
			return v, nil
		}
	}
	return p.stored(appendStrKey(p.key[:0], pEventID, id))
}

// stagedEventID returns the id index record of event id staged in this
// batch: voided in it, or one of its events.
func (p *persister) stagedEventID(id string) ([]byte, bool) {
	if v, ok := p.eventIDs[id]; ok {
		return v, true
	}
	if p.events == nil {
		p.events = make(map[string]uint64, len(p.batchEvs))
		for _, ev := range p.batchEvs {
			p.events[ev.ID] = ev.Seq
		}
	}
	if seq, ok := p.events[id]; ok {
		return binary.BigEndian.AppendUint64(nil, seq), true
	}
	return nil, false
}

// stored reads k from the store (committed records only).
func (p *persister) stored(k []byte) ([]byte, error) {
	v, err := p.s.get(k)
	if err == errNotFound {
		return nil, pebble.ErrNotFound
	}
	return v, err
}

// putNode writes the record of n and its node index record.
func (p *persister) putNode(n *tracegraph.Node, i uint32, voided bool) error {
	var err error
	if p.val, err = appendNode(p.val[:0], n, voided); err != nil {
		return fmt.Errorf("encode node %s: %w", n.ID, err)
	}
	p.nodes[n.ID] = stagedNode{rec: p.setKept(appendStrKey(p.key[:0], pNode, string(n.ID)), p.val), voided: voided}
	var fl uint8
	if voided {
		fl = flVoided
	}
	p.val = appendNodeIx(p.val[:0], n.Label, statusCodes[n.Status()], fl, n.Str("partNumber"), n.ID)
	p.key = appendNodeIxKey(p.key[:0], i)
	return p.set(p.key, p.val)
}

// putEdge writes edge record r of edge id.
func (p *persister) putEdge(id tracegraph.EdgeID, r *edgeRec) {
	p.val = appendEdge(p.val[:0], r)
	p.edges[id] = p.setKept(appendSeqKey(p.key[:0], pEdge, uint64(id)), p.val)
}

func (p *persister) persist(m *tracegraph.Mutation) error {
	switch m.Op {
	case tracegraph.OpPutNode:
		n := m.Node
		i, ok := p.index(n.ID)
		if !ok {
			i = p.next
			p.next++
			p.pending[n.ID] = i
		}
		if err := p.putNode(n, i, false); err != nil {
			return err
		}
		if err := p.persistIndex(n, ok); err != nil {
			return err
		}
		return p.touch(n.ID, m.Seq)
	case tracegraph.OpVoidNode:
		i, ok := p.index(m.ID)
		if !ok {
			return fmt.Errorf("void of unknown node %s", m.ID)
		}
		raw, err := p.nodeRecord(m.ID)
		if err != nil {
			return fmt.Errorf("read node %s: %w", m.ID, err)
		}
		n, _, err := decodeNode(m.ID, raw)
		if err != nil {
			return err
		}
		if err := p.putNode(n, i, true); err != nil {
			return err
		}
		if err := p.unindex(n); err != nil {
			return err
		}
		return p.touch(m.ID, m.Seq)
	case tracegraph.OpAddEdge:
		e := m.Edge
		src, ok1 := p.index(e.Source)
		dst, ok2 := p.index(e.Target)
		if !ok1 || !ok2 {
			return fmt.Errorf("edge %s→%s names an unknown node", e.Source, e.Target)
		}
		r := edgeRec{meta: edgeMeta(e.Type, e.Precision, e.Voided, !e.ValidTo.IsZero()), src: src, dst: dst,
			from: nanos(e.ValidFrom), to: nanos(e.ValidTo), event: e.Event, closedBy: e.ClosedBy, reason: e.CloseReason}
		var err error
		if p.props, err = appendProps(p.props[:0], e.Props); err != nil {
			return fmt.Errorf("encode edge %d: %w", e.ID, err)
		}
		r.props = p.props
		p.putEdge(e.ID, &r)
		return p.addedEdge(e, m.Seq)
	case tracegraph.OpUpdateEdge:
		e := m.Edge
		raw, err := p.edgeRecord(e.ID)
		if err != nil {
			return fmt.Errorf("read edge %d: %w", e.ID, err)
		}
		r, err := decodeEdge(raw)
		if err != nil {
			return err
		}
		// Only the state changes; type, precision and props stay as stored.
		r.meta = r.meta&(emTypeMask|emPrecMask) | edgeMeta(e.Type, 0, e.Voided, !e.ValidTo.IsZero())&(emVoided|emClosed)
		r.to, r.closedBy, r.reason = nanos(e.ValidTo), e.ClosedBy, e.CloseReason
		p.putEdge(e.ID, r)
		return p.touchEdge(e, m.Seq)
	case tracegraph.OpAddHold:
		h, _ := json.Marshal(m.Hold)
		if err := p.set(strKey(pHold, string(m.ID), m.Hold.ID), h); err != nil {
			return err
		}
		if err := p.set(strKey(pHeldBy, m.Hold.ID, string(m.ID)), nil); err != nil {
			return err
		}
		return p.touch(m.ID, m.Seq)
	case tracegraph.OpRemoveHold:
		if err := p.delete(strKey(pHold, string(m.ID), m.Hold.ID)); err != nil {
			return err
		}
		if err := p.delete(strKey(pHeldBy, m.Hold.ID, string(m.ID))); err != nil {
			return err
		}
		return p.touch(m.ID, m.Seq)
	case tracegraph.OpAddIdentifier:
		return p.set(strKey(pIdent, m.Ident.Value, m.Ident.Scheme), []byte(m.Ident.Node))
	case tracegraph.OpRemoveIdentifier:
		return p.delete(strKey(pIdent, m.Ident.Value, m.Ident.Scheme))
	case tracegraph.OpVoidEvent:
		v, err := p.eventIDRecord(m.EventID)
		if err != nil {
			return fmt.Errorf("read event %q: %w", m.EventID, err)
		}
		v = append(slices.Clip(v[:8]), m.VoidedBy...)
		p.eventIDs[m.EventID] = p.setKept(strKey(pEventID, m.EventID), v)
		return nil
	}
	return fmt.Errorf("unknown mutation op %d", m.Op)
}

// publish applies a committed mutation to the topology. s.mu is held.
func (s *Store) publish(m *tracegraph.Mutation) {
	t := s.t
	switch m.Op {
	case tracegraph.OpPutNode:
		i := t.intern(m.Node.ID, m.Node.Label)
		t.status[i] = statusCodes[m.Node.Status()]
		t.part[i] = t.internPart(m.Node.Str("partNumber"))
		t.flags[i] &^= flVoided
	case tracegraph.OpVoidNode:
		if i, ok := t.lookup(m.ID); ok {
			t.flags[i] |= flVoided
		}
	case tracegraph.OpAddEdge:
		e := m.Edge
		src, _ := t.lookup(e.Source)
		dst, _ := t.lookup(e.Target)
		t.addEdge(e.ID, src, dst, nanos(e.ValidFrom), edgeMeta(e.Type, e.Precision, e.Voided, !e.ValidTo.IsZero()))
	case tracegraph.OpUpdateEdge:
		e := m.Edge
		k, ok := t.edgeIndex(e.ID)
		if !ok {
			return
		}
		t.emeta[k] = t.emeta[k]&(emTypeMask|emPrecMask) | edgeMeta(e.Type, 0, e.Voided, !e.ValidTo.IsZero())&(emVoided|emClosed)
		t.containsMetaChanged(k)
		if e.Type == tracegraph.EdgeForOrder && e.Voided && t.order[t.er[k].src] == t.er[k].dst+1 {
			t.order[t.er[k].src] = 0
		}
		if e.ValidTo.IsZero() {
			delete(t.eclose, k)
		} else {
			t.eclose[k] = closing{to: nanos(e.ValidTo), by: e.ClosedBy}
		}
	case tracegraph.OpAddHold, tracegraph.OpRemoveHold:
		if i, ok := t.lookup(m.ID); ok {
			d := int32(1)
			if m.Op == tracegraph.OpRemoveHold {
				d = -1
			}
			t.setHoldDelta(i, d)
		}
	}
}

var errNotFound = errors.New("not found")
