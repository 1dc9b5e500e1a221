package cypher

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// Verify implements tracegraph.Verifier. It checks that the log is a dense,
// unbroken hash chain up to the head it reads first (events written later
// are not read), then replays the log through the rules in memory (a
// tracegraph.Tx over an empty graph) and compares every node the log
// produces (properties, holds) and its edges with what Neo4j holds, and the
// node counts per label.
//
// Neo4j reads see other transactions' commits, so writers may change what
// is compared while it is compared. What differs is compared once more with
// the head locked (writers wait, for that short comparison only), after the
// replay caught up with the events written meanwhile: a finding is reported
// only when it stays. The replay holds the whole graph in memory: verify a
// large database on a machine sized for it.
func (s *Store) Verify(ctx context.Context, opts tracegraph.VerifyOptions) (*tracegraph.VerifyReport, error) {
	headSeq, headHash, err := s.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	rep := &tracegraph.VerifyReport{HeadSeq: headSeq, HeadHash: headHash, Problems: []string{}}
	problem := rep.Problemf
	v := &replayer{s: s, replay: tracegraph.NewTx(ctx, tracegraph.EmptyGraph{}), touched: map[tracegraph.ID]bool{}, progress: opts.Progress}
	v.chain.Expect(opts.ExpectHead)
	if err := v.catchUp(ctx, headSeq, problem); err != nil {
		return nil, err
	}
	rep.Events = v.events
	if v.events != headSeq {
		problem("the head says %d events, the log holds %d", headSeq, v.events)
	}
	if last, _ := v.chain.Last(); last != headHash {
		problem("the head hash does not match the last event's hash")
	}
	for _, p := range v.chain.Finish() {
		problem("%s", p)
	}

	var found graphFindings
	err = s.readOp(ctx, "compare graph", func(tx neo4j.ManagedTransaction) error {
		found = graphFindings{}
		return s.compareGraph(ctx, tx, v, sortedIDs(keys(v.touched)), &found)
	})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	if len(found.nodes) == 0 && found.counts == "" {
		return rep, nil
	}
	// Catch up with the writers without holding them off, then hold them
	// off and compare what differed, and what they touched, again.
	now, _, err := s.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	v.recent = map[tracegraph.ID]bool{}
	if err := v.catchUp(ctx, now, problem); err != nil {
		return nil, err
	}
	differed := keys(found.nodes)
	err = s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		h, err := s.lockHead(ctx, tx)
		if err != nil {
			return err
		}
		if err := v.catchUp(ctx, h.seq, problem); err != nil {
			return err
		}
		ids := append(keys(v.recent), differed...)
		found = graphFindings{}
		return s.compareGraph(ctx, tx, v, sortedIDs(ids), &found)
	})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	for _, id := range sortedIDs(keys(found.nodes)) {
		for _, p := range found.nodes[id] {
			problem("%s", p)
		}
	}
	if found.counts != "" {
		problem("%s", found.counts)
	}
	return rep, nil
}

// replayer replays the log into an in-memory graph, checking the chain.
type replayer struct {
	s        *Store
	replay   *tracegraph.Tx
	touched  map[tracegraph.ID]bool // every node the log changed
	recent   map[tracegraph.ID]bool // the nodes changed since it was set, if set
	chain    tracegraph.ChainChecker
	events   uint64
	progress func(done, total uint64)
}

// catchUp reads and replays the events after the last one replayed up to
// head, and no further.
func (v *replayer) catchUp(ctx context.Context, head uint64, problem func(string, ...any)) error {
	const batch = 2000
	for {
		_, next := v.chain.Last()
		if next-1 >= head {
			return nil
		}
		evs, err := v.s.Events(ctx, next-1, int(min(batch, head-(next-1))))
		if err != nil {
			return fmt.Errorf("verify: read log: %w", err)
		}
		if len(evs) == 0 {
			return nil
		}
		fresh := make([]*tracegraph.Event, len(evs))
		for k, ev := range evs {
			for _, p := range v.chain.Check(ev) {
				problem("%s", p)
			}
			fresh[k] = ev.Unsealed()
		}
		res, err := tracegraph.ProjectBatch(ctx, v.replay, fresh, tracegraph.ApplyOptions{}, evs[0].Seq)
		if err != nil {
			return fmt.Errorf("verify: replay: %w", err)
		}
		for k, o := range res.Outcomes {
			if o.Status != tracegraph.OutcomeAccepted {
				problem("event %d (%q) is refused when the log is replayed: %v", evs[k].Seq, evs[k].ID, o.Error)
			}
		}
		for _, m := range res.Tx.Mutations() {
			for _, id := range m.Nodes() {
				v.touched[id] = true
				if v.recent != nil {
					v.recent[id] = true
				}
			}
		}
		res.Tx.MergeInto(v.replay)
		v.events += uint64(len(evs))
		if v.progress != nil {
			v.progress(v.events, head)
		}
	}
}

// graphFindings are the differences compareGraph found: per node, and in
// the node counts.
type graphFindings struct {
	nodes  map[tracegraph.ID][]string
	counts string
}

func (f *graphFindings) node(id tracegraph.ID, format string, args ...any) {
	if f.nodes == nil {
		f.nodes = map[tracegraph.ID][]string{}
	}
	f.nodes[id] = append(f.nodes[id], fmt.Sprintf(format, args...))
}

// compareGraph compares the replayed nodes ids and their outgoing edges with
// Neo4j's, a batch of nodes per query, and the live node counts per label
// with the replay's.
func (s *Store) compareGraph(ctx context.Context, tx neo4j.ManagedTransaction, v *replayer, ids []tracegraph.ID, found *graphFindings) error {
	replay := v.replay
	expand := s.expander(tx, nil, tracegraph.PrecisionUnknown, time.Now().UTC(), true)
	for len(ids) > 0 {
		chunkIDs := ids[:min(len(ids), maxRows)]
		ids = ids[len(chunkIDs):]
		got, err := s.getNodes(ctx, tx, chunkIDs)
		if err != nil {
			return err
		}
		hops, err := expand(ctx, chunkIDs, true)
		if err != nil {
			return err
		}
		for _, id := range chunkIDs {
			w, err := replay.GetNode(ctx, id)
			if err != nil {
				return err
			}
			g := got[id]
			switch {
			case w == nil && g == nil:
				continue
			case w == nil:
				found.node(id, "node %s is not what the log produces (extra)", id)
				continue
			case g == nil:
				found.node(id, "node %s that the log produces is missing", id)
				continue
			}
			if !sameNode(g, w) {
				found.node(id, "node %s differs from what the log produces", id)
			}
			wes, err := replay.NodeEdges(ctx, id, tracegraph.Upstream, true)
			if err != nil {
				return err
			}
			var ges []tracegraph.Edge
			for _, h := range hops[id] {
				ges = append(ges, h.edge)
			}
			if !sameEdges(ges, wes) {
				found.node(id, "the edges out of %s differ from what the log produces", id)
			}
		}
	}
	want := map[tracegraph.Label]int{}
	for id := range v.touched {
		if n, err := replay.GetNode(ctx, id); err != nil {
			return err
		} else if n != nil {
			want[n.Label]++
		}
	}
	counts := map[tracegraph.Label]int{}
	err := s.each(ctx, tx, qStatsNodes, nil, func(rec *neo4j.Record) error {
		name, err1 := value[string](rec, "name")
		n, err2 := value[int64](rec, "n")
		counts[tracegraph.Label(name)] = int(n)
		return firstError(err1, err2)
	})
	if err != nil {
		return err
	}
	var diff []string
	for _, l := range tracegraph.Labels {
		if counts[l] != want[l] {
			diff = append(diff, fmt.Sprintf("%d %s nodes are live, the log produces %d", counts[l], l, want[l]))
		}
	}
	found.counts = strings.Join(diff, "; ")
	return nil
}

// sameNode compares what a store keeps of a node; holds by id, source,
// reason, event and operator, as the order of equal-time holds is not part
// of the contract.
func sameNode(a, b *tracegraph.Node) bool {
	if a.ID != b.ID || a.Label != b.Label || a.CreatedBy != b.CreatedBy || a.Version != b.Version ||
		!reflect.DeepEqual(normProps(a.Props), normProps(b.Props)) || len(a.Holds) != len(b.Holds) {
		return false
	}
	key := func(h tracegraph.Hold) string {
		return strings.Join([]string{h.ID, string(h.Source), h.Reason, h.Event, h.PlacedBy}, "\x00")
	}
	ak, bk := make([]string, len(a.Holds)), make([]string, len(b.Holds))
	for i := range a.Holds {
		ak[i], bk[i] = key(a.Holds[i]), key(b.Holds[i])
	}
	slices.Sort(ak)
	slices.Sort(bk)
	return slices.Equal(ak, bk)
}

// normProps gives props the JSON value types they have after a round trip.
func normProps(p map[string]any) map[string]any {
	if len(p) == 0 {
		return nil
	}
	n, err := encodeProps(&tracegraph.Node{ID: "Unit:x", Label: tracegraph.LabelUnit, Props: p})
	if err != nil {
		return p
	}
	d, err := decodeNode(n)
	if err != nil {
		return p
	}
	return d.Props
}

func sameEdges(got, want []tracegraph.Edge) bool {
	if len(got) != len(want) {
		return false
	}
	tracegraph.SortEdges(got)
	tracegraph.SortEdges(want)
	for i := range got {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Type != w.Type || g.Target != w.Target || !g.ValidFrom.Equal(w.ValidFrom) ||
			!g.ValidTo.Equal(w.ValidTo) || g.ClosedBy != w.ClosedBy || g.CloseReason != w.CloseReason || precisionName(g.Precision) != precisionName(w.Precision) ||
			g.Event != w.Event {
			return false
		}
	}
	return true
}
