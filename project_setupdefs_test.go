package tracegraph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// recordedGraph is a graph read as a store reads its log: the events come
// without the payloads they were decoded with, so the rules decode their
// data (and keep the setup definitions they decode, LineSideMemo).
type recordedGraph struct{ tracegraph.GraphReader }

func (g recordedGraph) EventByID(ctx context.Context, id string) (*tracegraph.Event, string, error) {
	e, by, err := g.GraphReader.EventByID(ctx, id)
	if e != nil {
		e = tracegraph.AsRecorded(e)
	}
	return e, by, err
}

// TestRulesGoldenAsRecorded projects the golden scenarios with the groups
// over the graph as a store's writer has them: the graph's events read as
// from a log (the setup definitions decoded from their data) and one
// LineSideMemo for every group, which keeps the definitions decoded from
// one group to the next. Every digest is the golden file's.
func TestRulesGoldenAsRecorded(t *testing.T) {
	want := readRulesGolden(t)
	for _, sc := range rulesScenarios(t) {
		got := projectDigestLayered(t, sc, layering{
			graph:     func(g *tracegraph.Tx) tracegraph.GraphReader { return recordedGraph{g} },
			lineSides: tracegraph.NewLineSideMemo(0),
		})
		if got != want[sc.name] {
			t.Errorf("%s:\n got %s\nwant %s", sc.name, got, want[sc.name])
		}
	}
}

// TestSetupDefsKeptByData places a unit over two graphs in which the setup
// definition its station runs has one id and other data (as an event of a
// failed commit, or of another store), with one LineSideMemo for both: the
// second placement derives from the second graph's definition, as with a
// memo of its own, not from the one decoded for the first.
func TestSetupDefsKeptByData(t *testing.T) {
	ctx := context.Background()
	var evs []*tracegraph.Event
	for _, line := range strings.Split(strings.TrimSpace(linesideStream), "\n")[:13] {
		evs = append(evs, decodeLine(t, line))
	}
	other := decodeLine(t, strings.Replace(linesideStream[strings.Index(linesideStream, `{"id":"m08"`):strings.Index(linesideStream, `{"id":"m09"`)],
		`"refDes":["C1","C2"]`, `"refDes":["C1","C2","C3"]`, 1))
	place := func(def *tracegraph.Event, keep *tracegraph.LineSideMemo) string {
		stream := append([]*tracegraph.Event(nil), evs...)
		stream[7] = def // m08
		graph := tracegraph.NewTx(ctx, tracegraph.EmptyGraph{})
		res, err := tracegraph.ProjectBatch(ctx, graph, stream[:12], tracegraph.ApplyOptions{Atomic: true}, 1)
		if err != nil || len(res.Accepted) != 12 {
			t.Fatalf("the line side: %v, %+v", err, res.Outcomes)
		}
		res.Tx.MergeInto(graph)
		group := tracegraph.NewTx(ctx, recordedGraph{graph})
		group.KeepLineSides(keep)
		res, err = tracegraph.ProjectBatch(ctx, group, stream[12:], tracegraph.ApplyOptions{}, 13)
		if err != nil || len(res.Accepted) != 1 {
			t.Fatalf("the placement: %v, %+v", err, res.Outcomes)
		}
		b, err := json.Marshal(res.Tx.Mutations())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	shared := tracegraph.NewLineSideMemo(0)
	first := place(evs[7], shared)
	second := place(other, shared)
	if alone := place(other, tracegraph.NewLineSideMemo(0)); second != alone {
		t.Errorf("with the memo of the first graph:\n%s\nwith its own:\n%s", second, alone)
	}
	if first == second || !strings.Contains(second, `"C3"`) {
		t.Errorf("the definitions do not tell apart:\n%s\n%s", first, second)
	}
	if again := place(evs[7], shared); again != first {
		t.Errorf("the first graph again:\n%s\nfirst:\n%s", again, first)
	}
}

func decodeLine(t *testing.T, line string) *tracegraph.Event {
	t.Helper()
	e, err := tracegraph.DecodeEvent([]byte(strings.TrimSpace(line)))
	if err != nil {
		t.Fatal(err)
	}
	return e
}
