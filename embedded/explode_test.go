package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// explodeByWalk is Explode as the walk rules run it over the expander (the
// code Explode replaced; the two share how the id is resolved and refused),
// kept to judge it.
func (s *Store) explodeByWalk(ctx context.Context, id tracegraph.ID, asOf time.Time) ([]tracegraph.TraceNode, error) {
	var out []tracegraph.TraceNode
	err := s.explodeFrom(id, func(t *topo, start uint32) error {
		m := getMarks(t.nodeCount())
		defer putMarks(m)
		x := s.expander(tracegraph.NewEdgeFilter([]tracegraph.EdgeType{tracegraph.EdgeContains}, asOf, false, 0))
		r, err := tracegraph.Walk(ctx, x, m, []uint32{start}, tracegraph.WalkSpec{Up: true, MaxDepth: tracegraph.MaxTraceDepth})
		if err != nil {
			return err
		}
		unit, comp := uint8(tracegraph.LabelUnit.Code()), uint8(tracegraph.LabelComponent.Code())
		out = make([]tracegraph.TraceNode, 0, len(r.Order))
		for _, i := range r.Order[1:] {
			if l := t.label[i]; l == unit || l == comp {
				tn := x.TraceNode(i)
				tn.Depth, tn.Precision, tn.Direction = m.Depth(i), tracegraph.PrecisionExact, tracegraph.Upstream
				out = append(out, tn)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TestExplodeMatchesWalk checks that Explode answers byte for byte as the
// walk rules' upstream CONTAINS walk, for every container and unit of a
// generated factory whose packing was then changed (items unpacked,
// repacked into new boxes and onto pallets, boxes moved between pallets,
// packings and unpackings voided), at moments before, between and
// exactly at those changes and now; and with the same errors for unknown,
// malformed and voided ids and for a cancelled context. Reopened, the
// store is reopened after the factory (its edges then in the CSR, read
// through t.chot, which the changes then update) and again after the
// changes, and the answers compared at both times, with t.chot checked
// against the edge arrays.
func TestExplodeMatchesWalk(t *testing.T) {
	for _, reopen := range []bool{false, true} {
		t.Run(fmt.Sprint("reopened=", reopen), func(t *testing.T) { testExplodeMatchesWalk(t, reopen) })
	}
}

func testExplodeMatchesWalk(t *testing.T, reopen bool) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	again := func() {
		t.Helper()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if s, err = Open(dir, Options{}); err != nil {
			t.Fatal(err)
		}
		if n := checkContainsHot(t, s); n == 0 {
			t.Fatal("no CONTAINS edge in the CSR after a reopen")
		}
	}
	events, sum := factoryEvents(t, 1500, 9)
	applyAll(t, s, events)
	if reopen {
		again()
	}

	// The factory's boxes and their items, in packing order.
	type packing struct {
		box   string
		items []string
	}
	var boxes []packing
	var pallets []string
	onPallet := map[string]bool{}
	for _, ev := range events {
		if ev.Type != tracegraph.EventPacked {
			continue
		}
		p, err := ev.Payload()
		if err != nil {
			t.Fatal(err)
		}
		pk := p.(*tracegraph.Packed)
		if pk.ContainerLabel() == tracegraph.LabelPallet {
			pallets = append(pallets, pk.Container)
			for _, b := range pk.Items {
				onPallet[b] = true
			}
		} else {
			boxes = append(boxes, packing{pk.Container, pk.Items})
		}
	}
	if len(boxes) < 12 {
		t.Fatalf("the factory packed %d boxes; want at least 12", len(boxes))
	}

	// Changes after the factory's last event, one minute apart.
	var moments []time.Time
	minute := 0
	next := func() time.Time {
		minute++
		at := sum.End.Add(time.Duration(minute) * time.Minute)
		moments = append(moments, at.Add(-time.Nanosecond), at)
		return at
	}
	accepted := map[string]int{}
	apply := func(kind, id string, typ tracegraph.EventType, data any) {
		t.Helper()
		ev, err := storetest.NewEvent(id, typ, next(), data)
		if err != nil {
			t.Fatal(err)
		}
		outs, err := s.Apply(ctx, []*tracegraph.Event{ev}, tracegraph.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if outs[0].Status == tracegraph.OutcomeAccepted {
			accepted[kind]++
		} else {
			t.Logf("%s %s: %v", kind, id, outs[0].Error)
		}
	}
	// The boxes no pallet holds, onto pallets of four.
	var loose []string
	for _, b := range boxes {
		if !onPallet[b.box] {
			loose = append(loose, b.box)
		}
	}
	for k := 0; k < len(loose); k += 4 {
		pl := fmt.Sprintf("Pallet:XP%d", k)
		apply("palletize", "x-pal-"+pl, tracegraph.EventPacked, tracegraph.Packed{Container: pl, ContainerType: "pallet", Items: loose[k:min(k+4, len(loose))]})
		pallets = append(pallets, pl)
	}
	for k := 0; k+3 < len(boxes); k += 3 {
		b := boxes[k]
		moved := b.items[:min(2, len(b.items))]
		apply("unpack", fmt.Sprintf("x-up-%d", k), tracegraph.EventUnpacked, tracegraph.Packed{Container: b.box, Items: moved})
		if k%9 == 3 {
			apply("void", fmt.Sprintf("x-void-up-%d", k), tracegraph.EventVoided, tracegraph.Voided{Event: fmt.Sprintf("x-up-%d", k), Reason: "not unpacked"})
			continue
		}
		newBox := fmt.Sprintf("Box:XB%d", k)
		apply("repack", fmt.Sprintf("x-pk-%d", k), tracegraph.EventPacked, tracegraph.Packed{Container: newBox, ContainerType: "box", Items: moved})
		apply("onto pallet", fmt.Sprintf("x-pl-%d", k), tracegraph.EventPacked,
			tracegraph.Packed{Container: pallets[(k/3)%len(pallets)], ContainerType: "pallet", Items: []string{newBox}})
		switch k % 9 {
		case 0:
			apply("void", fmt.Sprintf("x-void-pl-%d", k), tracegraph.EventVoided, tracegraph.Voided{Event: fmt.Sprintf("x-pl-%d", k), Reason: "wrong pallet"})
		case 6:
			apply("unpack all", fmt.Sprintf("x-upall-%d", k), tracegraph.EventUnpacked, tracegraph.Packed{Container: boxes[k+2].box})
			from, to := pallets[(k/3)%len(pallets)], pallets[(k/3+1)%len(pallets)]
			apply("pallet to pallet", fmt.Sprintf("x-uppl-%d", k), tracegraph.EventUnpacked, tracegraph.Packed{Container: from, Items: []string{newBox}})
			apply("pallet to pallet", fmt.Sprintf("x-repl-%d", k), tracegraph.EventPacked, tracegraph.Packed{Container: to, ContainerType: "pallet", Items: []string{newBox}})
		}
	}
	for _, kind := range []string{"palletize", "unpack", "repack", "onto pallet", "void", "unpack all", "pallet to pallet"} {
		if accepted[kind] == 0 {
			t.Fatalf("no %s accepted (%v)", kind, accepted)
		}
	}
	// A unit created and voided: its id no longer exists.
	apply("void", "x-mk", tracegraph.EventUnitCreated, map[string]string{"serial": "XVOID1", "partNumber": "PRD-X"})
	apply("void", "x-void-mk", tracegraph.EventVoided, tracegraph.Voided{Event: "x-mk", Reason: "typo"})
	moments = append(moments, time.Time{}, sum.Start.Add(-time.Minute), sum.Start.Add(sum.End.Sub(sum.Start)/3),
		sum.Start.Add(sum.End.Sub(sum.Start)*2/3), sum.End)

	ids := labelled(t, s, tracegraph.LabelBox, tracegraph.LabelPallet, tracegraph.LabelShipment, tracegraph.LabelUnit)
	ids = append(ids, "Unit:XVOID1", "Box:NOSUCHBOX", "not an id", "")
	answer := func(items []tracegraph.TraceNode, err error) string {
		b, jerr := json.Marshal(items)
		if jerr != nil {
			t.Fatal(jerr)
		}
		return fmt.Sprintf("%s %#v", b, err)
	}
	checkContainsHot(t, s)
	compared, nonEmpty, deep := 0, 0, 0
	compare := func() {
		for k, id := range ids {
			for m, at := range moments {
				if (k+m)%3 != 0 && id.Label() == tracegraph.LabelUnit {
					continue // units hold little: a third of the moments
				}
				res, gerr := s.Explode(ctx, id, at)
				got := res.Nodes()
				if gerr != nil {
					got = nil // the old answer on an error
				}
				want, werr := s.explodeByWalk(ctx, id, at)
				if g, w := answer(got, gerr), answer(want, werr); g != w {
					t.Fatalf("Explode(%s, %v):\n got %.800s\nwant %.800s", id, at, g, w)
				}
				if gerr == nil { // the answer marshals as its nodes do
					b, err := json.Marshal(res)
					if g, w := fmt.Sprintf("%s %#v", b, err), answer(want, nil); g != w {
						t.Fatalf("Explode(%s, %v) as JSON:\n got %.800s\nwant %.800s", id, at, g, w)
					}
				}
				compared++
				if len(got) > 0 {
					nonEmpty++
					if got[len(got)-1].Depth >= 3 {
						deep++
					}
				}
			}
		}
	}
	compare()
	if reopen {
		again()
		compare()
	}
	if nonEmpty < compared/10 || deep == 0 {
		t.Fatalf("%d answers compared, %d not empty, %d reaching depth 3: too few to judge", compared, nonEmpty, deep)
	}
	t.Logf("%d answers compared at %d moments (%d not empty, %d reaching depth 3); accepted %v", compared, len(moments), nonEmpty, deep, accepted)

	// A cancelled context: the same error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, gerr := s.Explode(cctx, tracegraph.ID(pallets[0]), time.Time{})
	_, werr := s.explodeByWalk(cctx, tracegraph.ID(pallets[0]), time.Time{})
	if fmt.Sprint(gerr) != fmt.Sprint(werr) || gerr == nil {
		t.Fatalf("cancelled: Explode error %v, walk error %v", gerr, werr)
	}
}

// TestExplodeAnswerOutlivesWrites: an answer names the topology's own IDs
// and keeps the statuses and holds of its moment, so it reads the same
// after the writes that follow it, which intern thousands of nodes (moving
// the IDs to a larger array), ship units and place holds.
func TestExplodeAnswerOutlivesWrites(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	events, sum := factoryEvents(t, 600, 4)
	cut := len(events) * 17 / 20 // after the first packings, before the last
	applyAll(t, s, events[:cut])

	containers := labelled(t, s, tracegraph.LabelBox, tracegraph.LabelPallet)
	answers := make([]tracegraph.ExplodeResult, len(containers))
	then := make([]string, len(containers))
	for k, id := range containers {
		if answers[k], err = s.Explode(ctx, id, time.Time{}); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(answers[k])
		if err != nil {
			t.Fatal(err)
		}
		then[k] = string(b)
	}
	s.mu.Lock()
	// No room left: the next node interned moves the IDs and their offsets.
	s.t.names, s.t.nameAt = slices.Clip(s.t.names), slices.Clip(s.t.nameAt)
	names, nodes := &s.t.names[0], s.t.nodeCount()
	s.mu.Unlock()

	applyAll(t, s, events[cut:])
	// A hold on an item of each answer, the containers shipped.
	var more []*tracegraph.Event
	for k, id := range containers {
		at := sum.End.Add(time.Duration(k+1) * time.Minute)
		if answers[k].Len() > 0 {
			ev, err := storetest.NewEvent(fmt.Sprint("x-hold-", k), tracegraph.EventHoldPlaced, at,
				map[string]string{"target": string(answers[k].ID(0)), "reason": "outlives"})
			if err != nil {
				t.Fatal(err)
			}
			more = append(more, ev)
		}
		ev, err := storetest.NewEvent(fmt.Sprint("x-ship-", k), tracegraph.EventShipped, at,
			map[string]any{"shipment": fmt.Sprint("SX", k), "customer": "CX", "items": []string{string(id)}})
		if err != nil {
			t.Fatal(err)
		}
		more = append(more, ev)
	}
	if _, err := s.Apply(ctx, more, tracegraph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	s.mu.RLock()
	moved, added := &s.t.names[0] != names, s.t.nodeCount()-nodes
	s.mu.RUnlock()
	if !moved || len(containers) < 3 {
		t.Fatalf("the IDs did not move (%d nodes added) or too few containers (%d): nothing to judge", added, len(containers))
	}
	changed := 0
	for k, id := range containers {
		b, err := json.Marshal(answers[k])
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != then[k] {
			t.Fatalf("Explode(%s) after the writes:\n got %.600s\nwant %.600s", id, b, then[k])
		}
		now, err := s.Explode(ctx, id, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if nb, _ := json.Marshal(now); string(nb) != then[k] {
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no container's answer changed with the writes: nothing to judge")
	}
	t.Logf("%d containers, %d answers changed since; %d nodes added", len(containers), changed, added)
}

// labelled lists the live nodes of s with one of these labels, in index
// order.
func labelled(t *testing.T, s *Store, labels ...tracegraph.Label) []tracegraph.ID {
	t.Helper()
	var ids []tracegraph.ID
	err := s.ExportTopology(context.Background(), func(_ uint32, id tracegraph.ID, l tracegraph.Label, _ string) error {
		if slices.Contains(labels, l) {
			ids = append(ids, id)
		}
		return nil
	}, func(uint32, uint32, tracegraph.EdgeType, tracegraph.Precision, time.Time, time.Time, bool) error {
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
