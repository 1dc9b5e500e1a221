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
// node counts per label. Neo4j reads see other transactions' commits, so
// when the head moved during the comparison, the replay catches up with the
// new events and compares again (a few rounds): a finding is reported only
// when it stays. The replay holds the whole graph in memory: verify a large
// database on a machine sized for it.
func (s *Store) Verify(ctx context.Context, opts tracegraph.VerifyOptions) (*tracegraph.VerifyReport, error) {
	headSeq, headHash, err := s.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	rep := &tracegraph.VerifyReport{HeadSeq: headSeq, HeadHash: headHash, Problems: []string{}}
	problem := rep.Problemf
	v := &replayer{s: s, replay: tracegraph.NewTx(ctx, emptyGraph{}), touched: map[tracegraph.ID]bool{}, progress: opts.Progress}
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
	const rounds = 3
	for round := 1; ; round++ {
		var graph tracegraph.VerifyReport
		if err := s.compareGraph(ctx, v.replay, sortedIDs(keys(v.touched)), graph.Problemf); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		now, _, err := s.Head(ctx)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		if graph.OK() || now == v.events || round == rounds {
			for _, p := range graph.Problems {
				if now != v.events {
					p += fmt.Sprintf(" (events were written during the check: compared with the log up to %d, the head is %d)", v.events, now)
				}
				problem("%s", p)
			}
			return rep, nil
		}
		// Writers moved the graph on: replay their events and compare again.
		if err := v.catchUp(ctx, now, func(string, ...any) {}); err != nil {
			return nil, err
		}
	}
}

// replayer replays the log into an in-memory graph, checking the chain.
type replayer struct {
	s        *Store
	replay   *tracegraph.Tx
	touched  map[tracegraph.ID]bool
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
			}
		}
		res.Tx.MergeInto(v.replay)
		v.events += uint64(len(evs))
		if v.progress != nil {
			v.progress(v.events, head)
		}
	}
}

// compareGraph compares the replayed nodes and their outgoing edges with
// Neo4j's, a batch of nodes per query, and the live node counts per label.
func (s *Store) compareGraph(ctx context.Context, replay *tracegraph.Tx, ids []tracegraph.ID, problem func(string, ...any)) error {
	want := map[tracegraph.Label]int{}
	return s.readOp(ctx, "compare graph", func(tx neo4j.ManagedTransaction) error {
		clear(want)
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
					problem("node %s is not what the log produces (extra)", id)
					continue
				case g == nil:
					problem("node %s that the log produces is missing", id)
					continue
				}
				want[w.Label]++
				if !sameNode(g, w) {
					problem("node %s differs from what the log produces", id)
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
					problem("the edges out of %s differ from what the log produces", id)
				}
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
		for _, l := range tracegraph.Labels {
			if counts[l] != want[l] {
				problem("%d %s nodes are live, the log produces %d", counts[l], l, want[l])
			}
		}
		return nil
	})
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
	sortEdges(got)
	sortEdges(want)
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

// emptyGraph is the empty graph a replay starts from.
type emptyGraph struct{}

func (emptyGraph) GetNode(context.Context, tracegraph.ID) (*tracegraph.Node, error) { return nil, nil }
func (emptyGraph) IdentifierOwners(context.Context, string) ([]tracegraph.Identifier, error) {
	return nil, nil
}
func (emptyGraph) NodeEdges(context.Context, tracegraph.ID, tracegraph.Direction, bool) ([]tracegraph.Edge, error) {
	return nil, nil
}
func (emptyGraph) HeldBy(context.Context, string) ([]tracegraph.ID, error) { return nil, nil }
func (emptyGraph) EventByID(context.Context, string) (*tracegraph.Event, string, error) {
	return nil, "", nil
}
func (emptyGraph) EdgesByEvent(context.Context, uint64) ([]tracegraph.Edge, error) { return nil, nil }
