package cfx

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// The acceptance scenario: the CFX SDK's example messages for one board,
// the panel PANEL23423432 of the SDK's UnitsPersonalized and
// MaterialsInstalled examples, whose board at position 1 is
// PANEL23423432.1. The examples that name other panels (CARRIER5566,
// PANEL34543535, FFSHkkskamJDHS) or transactions are given this one's.

// boardTx is the work transaction of the SDK's WorkStarted example.
const boardTx = "2c24590d-39c5-4039-96a5-91900cecedfa"

// board is the board the scenario checks.
const board = "Unit:PANEL23423432.1"

// boardSetup are the native events the MES records before the line runs:
// the panel's two boards, and the placement station's setup for their
// part number (which reel feeds which reference designators), active from
// the morning on. The setup's slots are two the SDK's MaterialsLoaded
// example loads with reels of the slots' parts.
func boardSetup() []string {
	return []string{unitCreated("PANEL23423432.1"), unitCreated("PANEL23423432.2"),
		fmt.Sprintf(`{"id":"mes-setup","type":"setup.defined","time":"2018-10-03T08:00:00Z","data":{"setup":"S-PCBA-100","station":%q,"partNumber":"PCBA-100",`+
			`"slots":[{"slot":"SLOT44","partNumber":"IPN48899","refDes":["C1","C2"]},{"slot":"SLOT46","partNumber":"IPN45577","refDes":["U5"]}]}}`, testStation),
		fmt.Sprintf(`{"id":"mes-activate","type":"setup.activated","time":"2018-10-03T08:00:00Z","data":{"station":%q,"setup":"S-PCBA-100"}}`, testStation),
	}
}

// boardMessages returns the scenario's CFX envelopes, in the order the
// line sends them, and how many of them tracegraph does not use.
func boardMessages(t testing.TB) (envs [][]byte, ignored int) {
	t.Helper()
	steps := []struct {
		file    string
		replace []string
	}{
		{"UnitsPersonalized.json", nil},
		{"MaterialsLoaded.json", nil},
		// The SDK's splice example names packages and slots the other
		// examples do not load: here the reel loaded at SLOT44 runs out
		// and a new reel of its part takes over.
		{"SplicePointDetected.json", []string{"SLOT22", "SLOT44", "SLOT28", "SLOT44",
			"MAT238908348903", "MAT4566554543", "IPN-1222-55555", "IPN48899"}},
		{"WorkStarted-2.json", []string{"CARRIER5566", "PANEL23423432"}},
		{"MaterialsInstalled-repaired.json", nil},
		{"UnitsProcessed-1.json", []string{"a881ac27-9649-41c8-a13e-df118471eb1e", boardTx}},
		{"UnitsTested-1.json", []string{"PANEL34543535", "PANEL23423432"}},
		{"UnitsInspected-1.json", []string{"PANEL34543535", "PANEL23423432"}},
		{"UnitsRepaired.json", []string{"FFSHkkskamJDHS", "PANEL23423432"}},
		{"WorkCompleted-1.json", nil},
		// Of the four packages the SDK's example unloads, one is on a slot
		// of the station by now: MAT4566555547, the last reel loaded at
		// SLOT45 (MAT4566554543 at SLOT44 was used up at the splice).
		{"MaterialsUnloaded.json", nil},
	}
	for i, s := range steps {
		envs = append(envs, envelope(messageOf(t, s.file), fmt.Sprintf("board-%02d", i), sdkBody(t, s.file, s.replace...), i))
	}
	// The SDK's envelope example: a message tracegraph does not use.
	envs = append(envs, []byte(sdkBody(t, "EndpointConnected.json")))
	return envs, 1
}

// genealogy is what the checks compare: the board's edges (upstream, every
// one that ever existed) and what is at their ends.
type genealogy struct {
	Identifiers any         `json:"identifiers"`
	Edges       []edgeShown `json:"edges"`
}

type edgeShown struct {
	Type      string         `json:"type"`
	Target    string         `json:"target"`
	Precision string         `json:"precision"`
	Props     map[string]any `json:"props,omitempty"`
	// Node is the target's properties, for tests and process steps.
	Node map[string]any `json:"node,omitempty"`
}

// boardGenealogy reads the board's genealogy from st.
func boardGenealogy(t testing.TB, st tracegraph.Store) genealogy {
	t.Helper()
	ctx := context.Background()
	n, err := st.Node(ctx, board)
	if err != nil {
		t.Fatalf("Node(%s): %v", board, err)
	}
	edges, err := st.Edges(ctx, []tracegraph.ID{board}, tracegraph.EdgeQuery{Direction: tracegraph.Upstream, History: true})
	if err != nil {
		t.Fatal(err)
	}
	g := genealogy{Identifiers: n.Props["identifiers"]}
	for _, e := range edges[0] {
		es := edgeShown{Type: string(e.Type), Target: string(e.Target), Precision: e.Precision.String(), Props: e.Props}
		if l := e.Target.Label(); l == tracegraph.LabelTestRun || l == tracegraph.LabelProcessStep {
			tn, err := st.Node(ctx, e.Target)
			if err != nil {
				t.Fatal(err)
			}
			es.Node = tn.Props
		}
		g.Edges = append(g.Edges, es)
	}
	sort.Slice(g.Edges, func(i, j int) bool {
		a, b := g.Edges[i], g.Edges[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Target < b.Target
	})
	return g
}

// checkBoard checks the board's genealogy and tests: the golden file holds
// all of it; the checks below say what matters in it.
func checkBoard(t *testing.T, st tracegraph.Store) {
	t.Helper()
	ctx := context.Background()
	g := boardGenealogy(t, st)
	golden(t, "board.json", g)

	// UnitsPersonalized: the MAC address finds the board.
	found, err := st.Lookup(ctx, "C0-15-B9-2D-0F-3B")
	if err != nil || len(found) != 1 || found[0].ID != board {
		t.Errorf("Lookup(MAC C0-15-B9-2D-0F-3B) = %v, %v; want %s", found, err, board)
	}
	var consumed, tests, steps []string
	for _, e := range g.Edges {
		switch e.Type {
		case string(tracegraph.EdgeConsumed):
			b, _ := json.Marshal(e.Props["refDes"])
			consumed = append(consumed, e.Target+" "+string(b))
		case string(tracegraph.EdgeTestedBy):
			tests = append(tests, fmt.Sprint(e.Node["testType"], " ", e.Node["result"]))
		case string(tracegraph.EdgeProcessedBy):
			steps = append(steps, fmt.Sprint(e.Node["step"]))
		}
	}
	// MaterialsInstalled: the reel and the reference designators it went to.
	if !slices.Contains(consumed, `MaterialLot:MAT4566556456 ["R1","R2","R3"]`) {
		t.Errorf("the board's consumption %v lacks MaterialLot:MAT4566556456 at R1, R2, R3", consumed)
	}
	// UnitsTested (ICT example) and UnitsInspected (AOI example).
	slices.Sort(tests)
	if want := []string{"AOI pass", "TEST pass"}; !slices.Equal(tests, want) {
		t.Errorf("the board's tests = %v, want %v", tests, want)
	}
	// WorkStarted, UnitsProcessed (reflow), UnitsRepaired, WorkCompleted.
	slices.Sort(steps)
	if want := []string{"SolderReflow", "WorkCompleted", "WorkStarted", "repair"}; !slices.Equal(steps, want) {
		t.Errorf("the board's process steps = %v, want %v", steps, want)
	}
}

// TestIngestBoard runs the scenario through an Ingester (no broker): each
// message accepted (the unused one ignored), the board's genealogy and
// tests right; then every message again: each a duplicate, and the log
// unchanged.
func TestIngestBoard(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	mustApply(t, st, boardSetup()...)
	in := NewIngester(st, Options{PanelPositions: true})
	envs, ignored := boardMessages(t)
	var heads []uint64
	for round, want := range []string{StatusAccepted, StatusDuplicate} {
		var statuses []string
		for _, raw := range envs {
			r, err := in.IngestRaw(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != want && r.Status != StatusIgnored {
				t.Errorf("round %d: %s %s = %s %v, want %s", round, r.MessageName, r.UniqueID, r.Status, r.Error, want)
			}
			if strings.HasSuffix(r.MessageName, ".MaterialsUnloaded") {
				var ids []string
				for _, o := range r.Events {
					ids = append(ids, o.ID)
				}
				if want := []string{"cfx:MaterialsUnloaded:board-10:3.SLOT45"}; !slices.Equal(ids, want) {
					t.Errorf("round %d: MaterialsUnloaded's events %v, want %v (SLOT45's feeder.unloaded)", round, ids, want)
				}
			}
			statuses = append(statuses, r.Status)
		}
		if n := countOf(statuses, StatusIgnored); n != ignored {
			t.Errorf("round %d: %d messages ignored, want %d", round, n, ignored)
		}
		checkBoard(t, st)
		seq, _, err := st.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, seq)
	}
	if heads[1] != heads[0] {
		t.Errorf("the log's head went from %d to %d on redelivery, want no change", heads[0], heads[1])
	}
}

func countOf(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}
