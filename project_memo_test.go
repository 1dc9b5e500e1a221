package tracegraph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestLineSideMemoKeepsItsTexts projects the golden test's scenarios with a
// memo that checks every station's line side it keeps (decoded for a
// placement, or saved by a feeder or setup event and copied by the next
// one, in this batch or an earlier one of the group) against decoding the
// texts it keeps it for: a line side copied from the memo is the one
// decoding the node would give. TestRulesGolden checks the answers; this
// checks the state they come from.
func TestLineSideMemoKeepsItsTexts(t *testing.T) {
	ctx := context.Background()
	checked := 0
	for _, sc := range rulesScenarios(t) {
		// Layered as the embedded writer does: the batches of a group share
		// the line sides kept.
		graph := tracegraph.NewTx(ctx, tracegraph.EmptyGraph{})
		group := tracegraph.NewTx(ctx, graph)
		seq := uint64(1)
		for i, batch := range sc.batches {
			opts := tracegraph.ApplyOptions{Atomic: i < len(sc.atomic) && sc.atomic[i]}
			res, n, errs := tracegraph.ProjectBatchCheckingMemo(ctx, group, batch, opts, seq)
			for _, err := range errs {
				t.Errorf("%s: batch %d: %v", sc.name, i, err)
			}
			if len(errs) > 0 {
				return
			}
			checked += n
			res.Tx.MergeInto(group)
			seq += uint64(len(res.Accepted))
			if i%3 == 2 {
				group.MergeInto(graph)
				group = tracegraph.NewTx(ctx, graph)
			}
		}
	}
	if checked < 100 {
		t.Errorf("%d line sides checked, want many", checked)
	}
	t.Logf("%d line sides checked", checked)
}

// linesideStream changes one station's line side many times over: setups
// defined, redefined and activated, reels loaded, spliced, passed and
// unloaded, slots added, placements, and voids of loads, unloads and a
// setup definition (one refused: a setup that ran).
const linesideStream = `{"id":"m01","type":"lot.received","time":"2026-03-03T06:00:00Z","data":{"lot":"R-CAP-1","partNumber":"CAP-100N"}}
{"id":"m02","type":"lot.received","time":"2026-03-03T06:00:00Z","data":{"lot":"R-CAP-2","partNumber":"CAP-100N"}}
{"id":"m03","type":"lot.received","time":"2026-03-03T06:00:00Z","data":{"lot":"R-CAP-3","partNumber":"CAP-100N"}}
{"id":"m04","type":"lot.received","time":"2026-03-03T06:00:00Z","data":{"lot":"R-MCU-1","partNumber":"IC-MCU-32"}}
{"id":"m05","type":"unit.created","time":"2026-03-03T06:30:00Z","data":{"serial":"PCBA-0010","partNumber":"700-A"}}
{"id":"m06","type":"unit.created","time":"2026-03-03T06:30:00Z","data":{"serial":"PCBA-0011","partNumber":"700-A"}}
{"id":"m07","type":"unit.created","time":"2026-03-03T06:30:00Z","data":{"serial":"PCBA-0012","partNumber":"700-A"}}
{"id":"m08","type":"setup.defined","time":"2026-03-03T07:00:00Z","data":{"setup":"TOP","station":"SMT-1","partNumber":"700-A","slots":[{"slot":"1","partNumber":"CAP-100N","refDes":["C1","C2"]},{"slot":"2","partNumber":"IC-MCU-32","refDes":["U1"]}]}}
{"id":"m09","type":"setup.defined","time":"2026-03-03T07:00:00Z","data":{"setup":"BOT","station":"SMT-1","partNumber":"700-A","slots":[{"slot":"1","partNumber":"CAP-100N","refDes":["C9"]}]}}
{"id":"m10","type":"setup.activated","time":"2026-03-03T07:01:00Z","data":{"station":"SMT-1","setup":"TOP"}}
{"id":"m11","type":"feeder.loaded","time":"2026-03-03T07:02:00Z","data":{"station":"SMT-1","slot":"1","lot":"R-CAP-1"}}
{"id":"m12","type":"feeder.loaded","time":"2026-03-03T07:02:00Z","data":{"station":"SMT-1","slot":"2","lot":"R-MCU-1"}}
{"id":"m13","type":"unit.placed","time":"2026-03-03T07:03:00Z","data":{"unit":"PCBA-0010","station":"SMT-1"}}
{"id":"m14","type":"setup.defined","time":"2026-03-03T07:04:00Z","data":{"setup":"TOP","station":"SMT-1","partNumber":"700-A","slots":[{"slot":"1","partNumber":"CAP-100N","refDes":["C1"]},{"slot":"2","partNumber":"IC-MCU-32","refDes":["U1","U2"]}]}}
{"id":"m15","type":"feeder.spliced","time":"2026-03-03T07:05:00Z","data":{"station":"SMT-1","slot":"1","lot":"R-CAP-2"}}
{"id":"m16","type":"unit.placed","time":"2026-03-03T07:06:00Z","data":{"unit":"PCBA-0011","station":"SMT-1"}}
{"id":"m17","type":"splice.passed","time":"2026-03-03T07:07:00Z","data":{"station":"SMT-1","slot":"1"}}
{"id":"m18","type":"feeder.unloaded","time":"2026-03-03T07:08:00Z","data":{"station":"SMT-1","slot":"2"}}
{"id":"m19","type":"feeder.loaded","time":"2026-03-03T07:09:00Z","data":{"station":"SMT-1","slot":"3","lot":"R-CAP-3"}}
{"id":"m20","type":"event.voided","time":"2026-03-03T07:10:00Z","data":{"event":"m18","reason":"wrong slot"}}
{"id":"m21","type":"unit.placed","time":"2026-03-03T07:11:00Z","data":{"unit":"PCBA-0012","station":"SMT-1"}}
{"id":"m22","type":"event.voided","time":"2026-03-03T07:12:00Z","data":{"event":"m15","reason":"wrong reel"}}
{"id":"m23","type":"event.voided","time":"2026-03-03T07:12:00Z","data":{"event":"m09","reason":"never ran"}}
{"id":"m24","type":"event.voided","time":"2026-03-03T07:12:00Z","data":{"event":"m08","reason":"ran"}}
{"id":"m25","type":"feeder.unloaded","time":"2026-03-03T07:13:00Z","data":{"station":"SMT-1","slot":"3"}}
{"id":"m26","type":"setup.activated","time":"2026-03-03T07:14:00Z","data":{"station":"SMT-1","setup":"TOP"}}
{"id":"m27","type":"feeder.loaded","time":"2026-03-03T07:15:00Z","data":{"station":"SMT-1","slot":"2","lot":"R-MCU-1"}}
{"id":"m28","type":"unit.placed","time":"2026-03-03T07:16:00Z","data":{"unit":"PCBA-0012","station":"SMT-1"}}
`

// TestLineSideMemoOneBatch projects linesideStream in one batch (each event
// reads the station's line side the one before saved, from the memo) and
// one event a batch (each decodes it from the node): the outcomes and
// mutations are the same, and every line side the memo keeps is checked.
func TestLineSideMemoOneBatch(t *testing.T) {
	ctx := context.Background()
	var evs []*tracegraph.Event
	for _, line := range strings.Split(strings.TrimSpace(linesideStream), "\n") {
		e, err := tracegraph.DecodeEvent([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	project := func(size int) (string, int) {
		graph := tracegraph.NewTx(ctx, tracegraph.EmptyGraph{})
		var out, muts strings.Builder
		seq, checked := uint64(1), 0
		for i := 0; i < len(evs); i += size {
			batch := evs[i:min(i+size, len(evs))]
			res, n, errs := tracegraph.ProjectBatchCheckingMemo(ctx, graph, batch, tracegraph.ApplyOptions{}, seq)
			for _, err := range errs {
				t.Fatal(err)
			}
			checked += n
			for _, o := range res.Outcomes {
				o.Index = 0 // the index in its batch
				b, err := json.Marshal(o)
				if err != nil {
					t.Fatal(err)
				}
				out.Write(b)
			}
			for _, m := range res.Tx.Mutations() {
				b, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				muts.Write(append(b, '\n'))
			}
			res.Tx.MergeInto(graph)
			seq += uint64(len(res.Accepted))
		}
		return out.String() + "\n" + muts.String(), checked
	}
	one, checked := project(len(evs))
	each, _ := project(1)
	if one != each {
		t.Errorf("in one batch:\n%s\none event a batch:\n%s", one, each)
	}
	if !strings.Contains(one, `"status":"rejected"`) || strings.Count(one, `"status":"accepted"`) != len(evs)-1 {
		t.Errorf("want all but one accepted: %s", one)
	}
	if checked < 15 {
		t.Errorf("%d line sides checked", checked)
	}
}
