package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

const idemFixture = `
0  rcv-l1   lot.received       {"lot":"L1","partNumber":"R-1"}
1  mk-u1    unit.created       {"serial":"U1","partNumber":"PCBA-1"}
2  u1-l1    material.consumed  {"unit":"U1","lot":"L1"}
3  pk-b1    packed             {"container":"B1","items":["U1"]}
4  hold-b1  hold.placed        {"target":"B1","reason":"audit"}
`

var idemNodes = []string{"MaterialLot:L1", "Unit:U1", "Unit:U2", "Box:B1"}

// checkOutcomes compares outcomes with want ("status" or "status seq" or
// "status CODE field").
func checkOutcomes(t *testing.T, what string, outs []tracegraph.Outcome, evs []*tracegraph.Event, want []string) {
	t.Helper()
	got := make([]string, len(outs))
	for i, o := range outs {
		if o.Index != i || o.ID != evs[i].ID {
			t.Errorf("%s: outcome %d is for index %d id %q, want %d %q", what, i, o.Index, o.ID, i, evs[i].ID)
		}
		got[i] = o.Status
		if o.Seq != 0 {
			got[i] += fmt.Sprintf(" %d", o.Seq)
		}
		if o.Error != nil {
			got[i] += strings.TrimSuffix(fmt.Sprintf(" %s %s", o.Error.Code, o.Error.Field), " ")
			if o.Error.Message == "" {
				t.Errorf("%s: outcome %d has an error without a message", what, i)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s outcomes =\n%s\nwant\n%s", what, lines(got), lines(want))
	}
}

// testIdempotency: a repeated id is a duplicate and changes nothing; with
// other content it is rejected (CONFLICT): the id names another event.
func testIdempotency(t *testing.T, open Opener) {
	s := open(t)
	evs := parse(t, idemFixture)
	outs := apply(t, s, evs, tracegraph.ApplyOptions{})
	checkOutcomes(t, "first Apply", outs, evs, []string{"accepted 1", "accepted 2", "accepted 3", "accepted 4", "accepted 5"})

	before := snapshot(t, s, ids(idemNodes...))
	outs = apply(t, s, parse(t, idemFixture), tracegraph.ApplyOptions{})
	checkOutcomes(t, "Apply again", outs, evs, []string{"duplicate 1", "duplicate 2", "duplicate 3", "duplicate 4", "duplicate 5"})
	unchanged(t, "resending the batch", before, snapshot(t, s, ids(idemNodes...)))

	t.Run("other content", func(t *testing.T) {
		other := parse(t, `1 mk-u1 unit.created {"serial":"U1","partNumber":"PCBA-2"}`)
		outs := apply(t, s, other, tracegraph.ApplyOptions{})
		checkOutcomes(t, "Apply(mk-u1 with another part number)", outs, other, []string{"rejected CONFLICT id"})
		later := parse(t, `7 mk-u1 unit.created {"serial":"U1","partNumber":"PCBA-1"}`)
		outs = apply(t, s, later, tracegraph.ApplyOptions{})
		checkOutcomes(t, "Apply(mk-u1 at another time)", outs, later, []string{"rejected CONFLICT id"})
		unchanged(t, "resending with other content", before, snapshot(t, s, ids(idemNodes...)))
	})
	t.Run("same instant in another zone", func(t *testing.T) {
		ev, err := tracegraph.DecodeEvent([]byte(`{"id":"mk-u1","type":"unit.created","time":"2026-03-02T09:01:00+01:00","data":{"partNumber":"PCBA-1","serial":"U1"}}`))
		if err != nil {
			t.Fatal(err)
		}
		evs := []*tracegraph.Event{ev}
		checkOutcomes(t, "Apply(mk-u1 at +01:00)", apply(t, s, evs, tracegraph.ApplyOptions{}), evs, []string{"duplicate 2"})
		unchanged(t, "resending in another zone", before, snapshot(t, s, ids(idemNodes...)))
	})
	t.Run("twice in one batch", func(t *testing.T) {
		evs := parse(t, `
			5 mk-u2 unit.created {"serial":"U2","partNumber":"PCBA-1"}
			5 mk-u2 unit.created {"serial":"U2","partNumber":"PCBA-1"}
			5 mk-u2 unit.created {"serial":"U2","partNumber":"PCBA-9"}`)
		checkOutcomes(t, "Apply(mk-u2 three times)", apply(t, s, evs, tracegraph.ApplyOptions{}), evs,
			[]string{"accepted 6", "duplicate 6", "rejected CONFLICT id"})
		if got := node(t, s, "Unit:U2").Str("partNumber"); got != "PCBA-1" {
			t.Errorf("Node(Unit:U2) partNumber = %q, want PCBA-1", got)
		}
	})
	t.Run("refused is not recorded", func(t *testing.T) {
		ev := parse(t, `6 u3-l1 material.consumed {"unit":"U3","lot":"L1"}`)
		checkOutcomes(t, "Apply(u3-l1 before U3)", apply(t, s, ev, tracegraph.ApplyOptions{}), ev, []string{"rejected NOT_FOUND data.unit"})
		mustApply(t, s, parse(t, `6 mk-u3 unit.created {"serial":"U3","partNumber":"PCBA-1"}`)...)
		checkOutcomes(t, "Apply(u3-l1 after U3)", apply(t, s, ev, tracegraph.ApplyOptions{}), ev, []string{"accepted 8"})
	})
}

// testBatches: atomic batches apply all or none; others apply the good events.
func testBatches(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, idemFixture)
	atomic := tracegraph.ApplyOptions{Atomic: true}
	nodes := ids("MaterialLot:L1", "Unit:U1", "Box:B1", "Unit:U2", "Unit:U3", "Unit:U4", "Unit:U5", "Unit:U6")

	t.Run("atomic refused", func(t *testing.T) {
		before := snapshot(t, s, nodes)
		evs := parse(t, `
			5 mk-u2  unit.created       {"serial":"U2","partNumber":"PCBA-1"}
			5 u2-l1  material.consumed  {"unit":"U2","lot":"L1"}
			5 bad    material.consumed  {"unit":"NOPE","lot":"L1"}
			5 mk-u3  unit.created       {"serial":"U3","partNumber":"PCBA-1"}`)
		outs := apply(t, s, evs, atomic)
		for i, o := range outs {
			if i != 2 && (o.Status != tracegraph.OutcomeAborted || o.Error == nil || o.Seq != 0) {
				t.Errorf("atomic Apply: outcome %d = %+v, want aborted with an error and no seq", i, o)
			}
		}
		if o := outs[2]; o.Status != tracegraph.OutcomeRejected || o.Error == nil || o.Error.Code != tracegraph.CodeNotFound || o.Error.Field != "data.unit" {
			t.Errorf("atomic Apply: outcome 2 = %+v %v, want rejected NOT_FOUND data.unit", o, o.Error)
		}
		unchanged(t, "an atomic batch refused", before, snapshot(t, s, nodes))
		notFound(t, s, "Unit:U2")
		for _, id := range []string{"mk-u2", "u2-l1", "bad", "mk-u3"} {
			if _, err := s.Event(bg, id); !tracegraph.IsNotFound(err) {
				t.Errorf("Event(%q) after an aborted batch: %v, want NOT_FOUND", id, err)
			}
		}
	})
	t.Run("atomic with duplicate", func(t *testing.T) {
		before := snapshot(t, s, nodes)
		evs := parse(t, `
			1 mk-u1  unit.created       {"serial":"U1","partNumber":"PCBA-1"}
			5 mk-u2  unit.created       {"serial":"U2","partNumber":"PCBA-1"}
			5 bad    unit.created       {"serial":"U1","partNumber":"PCBA-1"}`)
		outs := apply(t, s, evs, atomic)
		if outs[0].Status != tracegraph.OutcomeDuplicate || outs[0].Seq != 2 || outs[0].Error != nil ||
			outs[1].Status != tracegraph.OutcomeAborted || outs[1].Seq != 0 ||
			outs[2].Status != tracegraph.OutcomeRejected || outs[2].Error == nil || outs[2].Error.Code != tracegraph.CodeConflict {
			t.Errorf("atomic Apply(duplicate, new, conflict) = %+v, want duplicate 2, aborted, rejected CONFLICT", outs)
		}
		unchanged(t, "an atomic batch with a duplicate refused", before, snapshot(t, s, nodes))
	})
	t.Run("atomic with a reused id", func(t *testing.T) {
		// An id recorded with other content is a rejection: the batch is
		// refused as a whole, wherever the reused id stands in it.
		before := snapshot(t, s, nodes)
		evs := parse(t, `
			5 mk-u2  unit.created       {"serial":"U2","partNumber":"PCBA-1"}
			5 mk-u1  unit.created       {"serial":"U1","partNumber":"PCBA-2"}
			5 mk-u3  unit.created       {"serial":"U3","partNumber":"PCBA-1"}`)
		checkOutcomes(t, "atomic Apply(new, reused id, new)", apply(t, s, evs, atomic), evs,
			[]string{"aborted CONFLICT", "rejected CONFLICT id", "aborted CONFLICT"})
		unchanged(t, "an atomic batch with a reused id", before, snapshot(t, s, nodes))
		notFound(t, s, "Unit:U2")
	})
	t.Run("atomic accepted", func(t *testing.T) {
		evs := parse(t, `
			5 mk-u2  unit.created       {"serial":"U2","partNumber":"PCBA-1"}
			5 u2-l1  material.consumed  {"unit":"U2","lot":"L1"}
			5 mk-u3  unit.created       {"serial":"U3","partNumber":"PCBA-1"}`)
		checkOutcomes(t, "atomic Apply", apply(t, s, evs, atomic), evs, []string{"accepted 6", "accepted 7", "accepted 8"})
	})
	t.Run("not atomic", func(t *testing.T) {
		evs := parse(t, `
			6 mk-u4   unit.created       {"serial":"U4","partNumber":"PCBA-1"}
			6 u4-lx   material.consumed  {"unit":"U4","lot":"MaterialLot:NOPE"}
			6 u4-l1   material.consumed  {"unit":"U4","lot":"L1"}
			6 mk-u5   unit.created       {"serial":"U1","partNumber":"PCBA-1"}
			6 u5-l1   material.consumed  {"unit":"U5","lot":"L1"}
			6 mk-u6   unit.created       {"serial":"U6","partNumber":"PCBA-1"}
			6 pk-b8   packed             {"container":"B8","items":["U6","NOPE"]}
			6 pk-b9   packed             {"container":"B9","items":["U6"]}`)
		checkOutcomes(t, "Apply", apply(t, s, evs, tracegraph.ApplyOptions{}), evs, []string{
			"accepted 9", "rejected NOT_FOUND data.lot", "accepted 10", "rejected CONFLICT data.serial",
			"rejected NOT_FOUND data.unit", "accepted 11", "rejected NOT_FOUND data.items[1]", "accepted 12"})
		notFound(t, s, "Box:B8")
		notFound(t, s, "Unit:U5")
		checkTrace(t, s, down("Unit:U6"), []string{"0 Unit:U6 EXACT", "1 Box:B9 EXACT"})
		checkTrace(t, s, tracegraph.TraceRequest{From: ids("MaterialLot:L1"), Direction: tracegraph.Downstream}, []string{
			"0 MaterialLot:L1 EXACT", "1 Unit:U1 EXACT", "1 Unit:U2 EXACT", "1 Unit:U4 EXACT", "2 Box:B1 EXACT"})
		checkChain(t, s, 12)
	})
}

// readLog reads the whole event log in pages of n.
func readLog(t *testing.T, s tracegraph.Store, n int) []*tracegraph.Event {
	t.Helper()
	var all []*tracegraph.Event
	var after uint64
	for {
		evs, err := s.Events(bg, after, n)
		if err != nil {
			t.Fatalf("Events(%d, %d) error: %v", after, n, err)
		}
		if len(evs) > n {
			t.Fatalf("Events(%d, %d) returned %d events", after, n, len(evs))
		}
		if len(evs) == 0 {
			return all
		}
		all = append(all, evs...)
		after = evs[len(evs)-1].Seq
	}
}

// checkChain checks that the log holds want events with seqs 1..want, each
// hash computed over its content and the hash before it, the head at the
// last; and that a Verifier finds nothing wrong.
func checkChain(t *testing.T, s tracegraph.Store, want int) []*tracegraph.Event {
	t.Helper()
	evs := readLog(t, s, 1000)
	if len(evs) != want {
		t.Errorf("the log holds %d events, want %d", len(evs), want)
	}
	ids := map[string]bool{}
	for i, e := range evs {
		if e.Seq != uint64(i+1) {
			t.Fatalf("event %d of the log has seq %d, want %d (dense, in order)", i, e.Seq, i+1)
		}
		if ids[e.ID] {
			t.Errorf("event id %q is in the log twice", e.ID)
		}
		ids[e.ID] = true
		if e.Hash == "" || e.Hash != e.ComputeHash() {
			t.Errorf("event %d (%s): Hash %q, ComputeHash() %q", e.Seq, e.ID, e.Hash, e.ComputeHash())
		}
		if i > 0 && e.PrevHash != evs[i-1].Hash {
			t.Errorf("event %d (%s): PrevHash %q, want the hash of event %d %q", e.Seq, e.ID, e.PrevHash, i, evs[i-1].Hash)
		}
		if e.RecordedAt.IsZero() {
			t.Errorf("event %d (%s) has no RecordedAt", e.Seq, e.ID)
		}
	}
	seq, hash, err := s.Head(bg)
	if err != nil {
		t.Fatalf("Head() error: %v", err)
	}
	if len(evs) > 0 && (seq != evs[len(evs)-1].Seq || hash != evs[len(evs)-1].Hash) {
		t.Errorf("Head() = %d %s, want the last event's %d %s", seq, hash, evs[len(evs)-1].Seq, evs[len(evs)-1].Hash)
	}
	if v, ok := s.(tracegraph.Verifier); ok {
		rep, err := v.Verify(bg, tracegraph.VerifyOptions{})
		if err != nil {
			t.Errorf("Verify() error: %v", err)
		} else if !rep.OK() || rep.Events != uint64(len(evs)) || rep.HeadHash != hash {
			t.Errorf("Verify() = %+v, want OK with %d events and head hash %s", rep, len(evs), hash)
		}
	}
	return evs
}

// testLog: Events pages by seq, Event by id, Head, and the hash chain.
func testLog(t *testing.T, open Opener) {
	s := open(t)
	in := parse(t, idemFixture)
	outs := mustApply(t, s, in...)
	evs := checkChain(t, s, len(in))
	for i, e := range evs {
		if e.ID != in[i].ID || !tracegraph.SameContent(e, in[i]) {
			t.Errorf("Events()[%d] = %s %s %s, want the content of %s", i, e.ID, e.Type, e.Data, in[i].ID)
		}
		if e.Seq != outs[i].Seq {
			t.Errorf("Events()[%d].Seq = %d, want the outcome's %d", i, e.Seq, outs[i].Seq)
		}
		got, err := s.Event(bg, e.ID)
		if err != nil {
			t.Fatalf("Event(%q) error: %v", e.ID, err)
		}
		if got.Seq != e.Seq || got.Hash != e.Hash || got.PrevHash != e.PrevHash || !tracegraph.SameContent(got, e) {
			t.Errorf("Event(%q) = %+v, want %+v", e.ID, got, e)
		}
	}
	tests := []struct {
		after uint64
		limit int
		want  []uint64
	}{
		{0, 1, []uint64{1}},
		{0, 100, []uint64{1, 2, 3, 4, 5}},
		{2, 2, []uint64{3, 4}},
		{4, 10, []uint64{5}},
		{5, 10, nil},
		{99, 10, nil},
	}
	for _, tt := range tests {
		got, err := s.Events(bg, tt.after, tt.limit)
		if err != nil {
			t.Fatalf("Events(%d, %d) error: %v", tt.after, tt.limit, err)
		}
		var seqs []uint64
		for _, e := range got {
			seqs = append(seqs, e.Seq)
		}
		if !slices.Equal(seqs, tt.want) {
			t.Errorf("Events(%d, %d) seqs = %v, want %v", tt.after, tt.limit, seqs, tt.want)
		}
	}
	_, err := s.Event(bg, "nope")
	wantCode(t, `Event("nope")`, err, tracegraph.CodeNotFound)
}

// waitHead receives from a Changes channel until it reports want; the wait is
// bounded.
func waitHead(t *testing.T, ch <-chan uint64, want uint64) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	var last uint64
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				t.Fatalf("Changes channel closed before head %d (last %d)", want, last)
			}
			if v > want {
				t.Fatalf("Changes sent %d, beyond the head %d", v, want)
			}
			last = v
			if v == want {
				return
			}
		case <-timeout:
			t.Fatalf("Changes did not send head %d within 10s (last %d)", want, last)
		}
	}
}

// testChanges: Changes delivers the new head after each Apply, and a slow
// receiver still gets the latest.
func testChanges(t *testing.T, open Opener) {
	s := open(t)
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	ch := s.Changes(ctx)
	evs := parse(t, idemFixture)
	mustApply(t, s, evs[:2]...)
	waitHead(t, ch, 2)
	mustApply(t, s, evs[2])
	waitHead(t, ch, 3)
	// A slow receiver: two commits, then read.
	mustApply(t, s, evs[3])
	mustApply(t, s, evs[4])
	waitHead(t, ch, 5)
	// A batch of duplicates commits nothing new; the next real one is seen.
	apply(t, s, evs, tracegraph.ApplyOptions{})
	mustApply(t, s, parse(t, `9 mk-u2 unit.created {"serial":"U2","partNumber":"PCBA-1"}`)...)
	waitHead(t, ch, 6)
}

// testConcurrency: 8 writers at once; every acknowledged event is in the log
// with the seq it was acknowledged with, seqs are dense and the chain holds.
func testConcurrency(t *testing.T, open Opener) {
	s := open(t)
	mustApply(t, s, parse(t, `
		0 rcv-l0  lot.received        {"lot":"L0","partNumber":"R-1"}
		0 rcv-c0  component.received  {"serials":["C-RACE"],"partNumber":"MOD-LTE"}`)...)
	const writers, batches, unitsPerBatch = 8, 10, 5
	type result struct {
		evs  []*tracegraph.Event
		outs []tracegraph.Outcome
		err  error
	}
	results := make(chan result, writers*batches)
	// Writer w hands the serials of its first batch to writer w+1, which
	// builds them into its own units once they are acknowledged.
	handoff := make([]chan []string, writers)
	for i := range handoff {
		handoff[i] = make(chan []string, 1)
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handed := false
			defer func() {
				if !handed {
					handoff[(w+1)%writers] <- nil
				}
			}()
			var buildErr error
			mk := func(id string, typ tracegraph.EventType, m int, data any) *tracegraph.Event {
				ev, err := NewEvent(id, typ, At(m), data)
				if err != nil && buildErr == nil {
					buildErr = err
				}
				return ev
			}
			for b := range batches {
				var evs []*tracegraph.Event
				if b == 0 {
					// Every writer sends the same event; one wins. And every
					// writer creates the same serial under its own event id;
					// one wins, the others are conflicts.
					evs = append(evs,
						mk("shared", tracegraph.EventUnitCreated, 1, map[string]any{"serial": "SHARED", "partNumber": "PCBA-1"}),
						mk(fmt.Sprintf("race-%d", w), tracegraph.EventUnitCreated, 1, map[string]any{"serial": "RACE", "partNumber": "PCBA-1"}))
				}
				for u := range unitsPerBatch {
					serial := fmt.Sprintf("G%d-%02d-%d", w, b, u)
					evs = append(evs,
						mk("mk-"+serial, tracegraph.EventUnitCreated, 2+b, map[string]any{"serial": serial, "partNumber": "PCBA-1"}),
						mk("use-"+serial, tracegraph.EventMaterialConsumed, 3+b, map[string]any{"unit": serial, "lot": "L0"}))
				}
				switch b {
				case 2:
					// Every writer installs the same serialized part; one wins.
					evs = append(evs, mk(fmt.Sprintf("crace-%d", w), tracegraph.EventMaterialConsumed, 4+b,
						map[string]any{"unit": fmt.Sprintf("G%d-02-0", w), "component": "C-RACE"}))
				case 3:
					// An atomic batch with a bad event at its end: none of it.
					evs = append(evs, mk(fmt.Sprintf("bad-%d", w), tracegraph.EventMaterialConsumed, 4+b,
						map[string]any{"unit": fmt.Sprintf("G%d-03-0", w), "lot": "NOPE"}))
				case 4:
					// Build the previous writer's first units into this batch's.
					children := <-handoff[w]
					for u, child := range children {
						evs = append(evs, mk(fmt.Sprintf("asm-%d-%d", w, u), tracegraph.EventUnitAssembled, 4+b,
							map[string]any{"parent": fmt.Sprintf("G%d-%02d-%d", w, b, u), "child": child}))
					}
				}
				if buildErr != nil {
					results <- result{err: buildErr}
					return
				}
				outs, err := s.Apply(context.Background(), evs, tracegraph.ApplyOptions{Atomic: b%2 == 1})
				if err == nil {
					// Acknowledged means visible.
					for i, o := range outs {
						if o.Status == tracegraph.OutcomeAccepted && evs[i].Type == tracegraph.EventUnitCreated {
							var d tracegraph.UnitCreated
							if json.Unmarshal(evs[i].Data, &d) == nil {
								if _, nerr := s.Node(context.Background(), tracegraph.NewID(tracegraph.LabelUnit, d.Serial)); nerr != nil {
									err = fmt.Errorf("Node(%s) right after its creation was acknowledged: %w", d.Serial, nerr)
								}
							}
						}
					}
				}
				results <- result{evs, outs, err}
				if err != nil {
					return
				}
				if b == 0 {
					var serials []string
					for u := range unitsPerBatch {
						serials = append(serials, fmt.Sprintf("G%d-00-%d", w, u))
					}
					handoff[(w+1)%writers] <- serials
					handed = true
				}
			}
		}()
	}
	// Two readers trace the shared lot while the writers work: the answer
	// only grows.
	stop := make(chan struct{})
	readErrs := make(chan error, 2)
	var rg sync.WaitGroup
	for range 2 {
		rg.Add(1)
		go func() {
			defer rg.Done()
			last := 0
			for {
				select {
				case <-stop:
					readErrs <- nil
					return
				default:
				}
				res, err := s.Trace(context.Background(), tracegraph.TraceRequest{From: ids("MaterialLot:L0"), Direction: tracegraph.Downstream, SkipEdges: true})
				if err != nil {
					readErrs <- fmt.Errorf("concurrent Trace: %w", err)
					return
				}
				if len(res.Nodes) < last {
					readErrs <- fmt.Errorf("concurrent Trace(L0) shrank from %d to %d nodes", last, len(res.Nodes))
					return
				}
				last = len(res.Nodes)
			}
		}()
	}
	wg.Wait()
	close(stop)
	rg.Wait()
	close(readErrs)
	for err := range readErrs {
		if err != nil {
			t.Error(err)
		}
	}
	close(results)
	acked := map[string]uint64{}
	var shared, race []string
	for r := range results {
		if r.err != nil {
			t.Fatalf("concurrent Apply error: %v", r.err)
		}
		for i, o := range r.outs {
			switch {
			case strings.HasPrefix(r.evs[i].ID, "race-"), strings.HasPrefix(r.evs[i].ID, "crace-"):
				st := o.Status
				if o.Error != nil {
					st += " " + string(o.Error.Code) + " " + o.Error.Field
				}
				race = append(race, st)
				if o.Status == tracegraph.OutcomeAccepted {
					acked[o.ID] = o.Seq
				}
			case strings.HasPrefix(r.evs[i].ID, "bad-"):
				if o.Status != tracegraph.OutcomeRejected || o.Error == nil || o.Error.Code != tracegraph.CodeNotFound {
					t.Errorf("concurrent Apply: %s: %s %v, want rejected NOT_FOUND", o.ID, o.Status, o.Error)
				}
			case strings.Contains(r.evs[i].ID, "-03-"):
				if o.Status != tracegraph.OutcomeAborted {
					t.Errorf("concurrent Apply: %s: %s %v, want aborted", o.ID, o.Status, o.Error)
				}
			case r.evs[i].ID == "shared":
				shared = append(shared, o.Status)
				if o.Status == tracegraph.OutcomeAccepted {
					acked[o.ID] = o.Seq
				}
			case o.Status != tracegraph.OutcomeAccepted:
				t.Errorf("concurrent Apply: %s: %s %v, want accepted", r.evs[i].ID, o.Status, o.Error)
			default:
				if _, dup := acked[o.ID]; dup {
					t.Errorf("concurrent Apply: %s acknowledged twice", o.ID)
				}
				acked[o.ID] = o.Seq
			}
		}
	}
	slices.Sort(shared)
	wantShared := append([]string{tracegraph.OutcomeAccepted}, slices.Repeat([]string{tracegraph.OutcomeDuplicate}, writers-1)...)
	if !slices.Equal(shared, wantShared) {
		t.Errorf("outcomes of the event every writer sent = %v, want %v", shared, wantShared)
	}
	slices.Sort(race)
	wantRace := append([]string{tracegraph.OutcomeAccepted, tracegraph.OutcomeAccepted},
		slices.Repeat([]string{"rejected CONFLICT data.component"}, writers-1)...)
	wantRace = append(wantRace, slices.Repeat([]string{"rejected CONFLICT data.serial"}, writers-1)...)
	if !slices.Equal(race, wantRace) {
		t.Errorf("outcomes of creating serial RACE and installing C-RACE from every writer = %v, want %v", race, wantRace)
	}
	// L0, C-RACE, SHARED, RACE, the units and their consumptions but for the
	// aborted batch, one installation of C-RACE, the assemblies.
	total := 2 + 1 + 1 + writers*(batches-1)*unitsPerBatch*2 + 1 + writers*unitsPerBatch
	evs := checkChain(t, s, total)
	seqs := map[uint64]bool{}
	for id, seq := range acked {
		if seqs[seq] {
			t.Errorf("seq %d acknowledged twice", seq)
		}
		seqs[seq] = true
		if seq == 0 || int(seq) > len(evs) || evs[seq-1].ID != id {
			t.Errorf("%s acknowledged with seq %d, but the log holds another event there", id, seq)
		}
	}
	res := trace(t, s, tracegraph.TraceRequest{From: ids("MaterialLot:L0"), Direction: tracegraph.Downstream, SkipEdges: true})
	if got, want := len(res.Nodes), 1+writers*(batches-1)*unitsPerBatch; got != want {
		t.Errorf("Trace(MaterialLot:L0 DOWNSTREAM) reached %d nodes, want %d", got, want)
	}
	for w := range writers {
		notFound(t, s, fmt.Sprintf("Unit:G%d-03-0", w))
		if _, err := s.Event(bg, fmt.Sprintf("mk-G%d-03-0", w)); !tracegraph.IsNotFound(err) {
			t.Errorf("Event(mk-G%d-03-0) of an aborted batch: %v, want NOT_FOUND", w, err)
		}
	}
	for w := range writers {
		for u := range unitsPerBatch {
			parent := fmt.Sprintf("Unit:G%d-04-%d", w, u)
			child := fmt.Sprintf("Unit:G%d-00-%d", (w+writers-1)%writers, u)
			checkTrace(t, s, types(up(parent), tracegraph.EdgeContains), []string{"0 " + parent + " EXACT", "1 " + child + " EXACT"})
		}
	}
}

// testVerifyAnchor: Verify with an expected head proves the log passes
// through it: the head itself or an earlier event is intact, another hash
// or a seq past the end is not.
func testVerifyAnchor(t *testing.T, open Opener) {
	s := open(t)
	v, ok := s.(tracegraph.Verifier)
	if !ok {
		t.Skip("the store does not verify itself")
	}
	in := parse(t, idemFixture)
	mustApply(t, s, in...)
	evs := checkChain(t, s, len(in))
	head := evs[len(evs)-1]
	other := strings.Repeat("0", 64)
	tests := []struct {
		name   string
		expect tracegraph.Anchor
		ok     bool
	}{
		{"the head", tracegraph.Anchor{Seq: head.Seq, Hash: head.Hash}, true},
		{"an earlier event", tracegraph.Anchor{Seq: evs[1].Seq, Hash: evs[1].Hash}, true},
		{"another hash", tracegraph.Anchor{Seq: head.Seq, Hash: other}, false},
		{"an earlier event's hash at the head", tracegraph.Anchor{Seq: head.Seq, Hash: evs[1].Hash}, false},
		{"past the end", tracegraph.Anchor{Seq: head.Seq + 1, Hash: head.Hash}, false},
	}
	for _, tt := range tests {
		rep, err := v.Verify(bg, tracegraph.VerifyOptions{ExpectHead: tt.expect})
		if err != nil {
			t.Fatalf("Verify(expect %s) error: %v", tt.expect, err)
		}
		if rep.OK() != tt.ok || rep.HeadSeq != head.Seq || rep.HeadHash != head.Hash {
			t.Errorf("%s: Verify(expect %s) = %+v, want OK %v with head %d %s", tt.name, tt.expect, rep, tt.ok, head.Seq, head.Hash)
		}
	}
}

// testVerifyWhileWriting: Verify is safe with writers and reports only what
// is wrong, not their progress: while units are created and built with a
// lot, and an already verified unit keeps gaining material, every report is
// intact.
func testVerifyWhileWriting(t *testing.T, open Opener) {
	s := open(t)
	v, ok := s.(tracegraph.Verifier)
	if !ok {
		t.Skip("the store does not verify itself")
	}
	mustApply(t, s, event(t, "lot", tracegraph.EventLotReceived, 0, map[string]any{"lot": "L1", "partNumber": "R-10K"}),
		event(t, "u0", tracegraph.EventUnitCreated, 0, map[string]any{"serial": "U0", "partNumber": "PCBA-1"}))
	stop, done := make(chan struct{}), make(chan error)
	go func() {
		for i := 1; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			sn := fmt.Sprint("U", i)
			evs := make([]*tracegraph.Event, 3)
			for k, d := range []struct {
				typ  tracegraph.EventType
				data map[string]any
			}{
				{tracegraph.EventUnitCreated, map[string]any{"serial": sn, "partNumber": "PCBA-1"}},
				{tracegraph.EventMaterialConsumed, map[string]any{"unit": sn, "lot": "L1"}},
				{tracegraph.EventMaterialConsumed, map[string]any{"unit": "U0", "lot": "L1", "refDes": []string{"R" + sn}}},
			} {
				ev, err := NewEvent(fmt.Sprintf("%s-%d", sn, k), d.typ, At(1), d.data)
				if err != nil {
					done <- err
					return
				}
				evs[k] = ev
			}
			outs, err := s.Apply(bg, evs, tracegraph.ApplyOptions{})
			for _, o := range outs {
				if err == nil && o.Status != tracegraph.OutcomeAccepted {
					err = fmt.Errorf("event %q: %s %v", o.ID, o.Status, o.Error)
				}
			}
			if err != nil {
				done <- err
				return
			}
		}
	}()
	for range 3 {
		rep, err := v.Verify(bg, tracegraph.VerifyOptions{})
		if err != nil || !rep.OK() {
			close(stop)
			<-done
			t.Fatalf("Verify while writing = %+v, %v; want intact", rep, err)
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
