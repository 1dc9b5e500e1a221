package tracegraph_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"hash"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/internal/fuzzcorpus"
)

var updateRulesGolden = flag.Bool("update-rules-golden", false, "rewrite testdata/rules-golden.txt from the rules as they are")

const rulesGolden = "testdata/rules-golden.txt"

// TestRulesGolden is the differential test of the rules: it projects
// generated factories (plain, disturbed and interleaved from two sites) and
// the fuzz corpus of DecodeEvent through ProjectBatch, and compares a
// SHA-256 of every outcome, accepted event and mutation, byte for byte,
// with testdata/rules-golden.txt. The file was written by the rules before
// they were made faster (-update-rules-golden); a change that keeps every
// answer keeps every line.
func TestRulesGolden(t *testing.T) {
	got := map[string]string{}
	for _, sc := range rulesScenarios(t) {
		got[sc.name] = projectDigest(t, sc)
	}
	if *updateRulesGolden {
		var b strings.Builder
		for _, name := range slices.Sorted(maps.Keys(got)) {
			fmt.Fprintf(&b, "%s %s\n", name, got[name])
		}
		if err := os.WriteFile(rulesGolden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readRulesGolden(t)
	if len(want) != len(got) {
		t.Errorf("%d scenarios, golden file has %d", len(got), len(want))
	}
	for name, d := range got {
		if want[name] != d {
			t.Errorf("%s:\n got %s\nwant %s", name, d, want[name])
		}
	}
}

// readRulesGolden returns the digests of testdata/rules-golden.txt by
// scenario.
func readRulesGolden(t *testing.T) map[string]string {
	f, err := os.Open(rulesGolden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, digest, _ := strings.Cut(sc.Text(), " ")
		want[name] = digest
	}
	return want
}

// rulesScenario is a stream of events applied in batches.
type rulesScenario struct {
	name    string
	batches [][]*tracegraph.Event
	atomic  []bool
}

func rulesScenarios(t *testing.T) []rulesScenario {
	gen := func(cfg factory.Config) []*tracegraph.Event {
		var evs []*tracegraph.Event
		if _, err := factory.Generate(context.Background(), cfg, func(e *tracegraph.Event) error {
			evs = append(evs, e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return evs
	}
	fixed := func(evs []*tracegraph.Event, n int) [][]*tracegraph.Event {
		var out [][]*tracegraph.Event
		for len(evs) > 0 {
			k := min(n, len(evs))
			out = append(out, evs[:k])
			evs = evs[k:]
		}
		return out
	}
	var out []rulesScenario
	out = append(out, rulesScenario{name: "factory-400-seed1", batches: fixed(gen(factory.Config{Units: 400, Seed: 1}), 250)})

	// Two sites interleaved event by event.
	a, b := gen(factory.Config{Units: 200, Seed: 3, Site: "A"}), gen(factory.Config{Units: 200, Seed: 4, Site: "B"})
	var mixed []*tracegraph.Event
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) {
			mixed = append(mixed, a[i])
		}
		if i < len(b) {
			mixed = append(mixed, b[i])
		}
	}
	out = append(out, rulesScenario{name: "factory-two-sites", batches: fixed(mixed, 500)})

	for _, seed := range []uint64{5, 6} {
		out = append(out, disturbed(fmt.Sprintf("factory-300-seed%d-disturbed", seed), gen(factory.Config{Units: 300, Seed: seed}), seed))
	}

	corpus, err := fuzzcorpus.Read("testdata/fuzz/FuzzDecodeEvent")
	if err != nil {
		t.Fatal(err)
	}
	var fuzzed []*tracegraph.Event
	for _, name := range slices.Sorted(maps.Keys(corpus)) {
		if e, err := tracegraph.DecodeEvent(corpus[name]); err == nil {
			fuzzed = append(fuzzed, e)
		}
	}
	out = append(out, rulesScenario{name: "fuzz-corpus", batches: [][]*tracegraph.Event{fuzzed}})
	return out
}

// disturbed is the stream as a careless client sends it: events dropped,
// sent twice, swapped, an id reused with other content, voids of earlier
// events (accepted or not), in batches of random sizes, some atomic.
func disturbed(name string, evs []*tracegraph.Event, seed uint64) rulesScenario {
	r := rand.New(rand.NewPCG(seed, 14))
	var s []*tracegraph.Event
	var later []*tracegraph.Event
	for i := 0; i < len(evs); i++ {
		e := evs[i]
		switch x := r.IntN(1000); {
		case x < 15: // dropped
			continue
		case x < 35: // sent again later
			later = append(later, e)
		case x < 55 && i+1 < len(evs): // swapped with the next
			s = append(s, evs[i+1])
			i++
		case x < 62: // the id reused with other content
			c := *e
			c.Time = c.Time.Add(time.Millisecond)
			s = append(s, &c)
		case x < 80 && len(s) > 0: // a void of an earlier event
			target := s[r.IntN(len(s))]
			data, _ := json.Marshal(map[string]string{"event": target.ID, "reason": "wrong record"})
			s = append(s, &tracegraph.Event{ID: fmt.Sprintf("void-%d", i), Type: tracegraph.EventVoided, Time: e.Time, Station: e.Station, Data: data})
		}
		s = append(s, e)
		if len(later) > 0 && r.IntN(10) == 0 {
			s = append(s, later[0])
			later = later[1:]
		}
	}
	s = append(s, later...)
	sc := rulesScenario{name: name}
	for len(s) > 0 {
		k := min(1+r.IntN(300), len(s))
		sc.batches = append(sc.batches, s[:k])
		sc.atomic = append(sc.atomic, r.IntN(10) == 0)
		s = s[k:]
	}
	return sc
}

// projectDigest applies the scenario's batches as the embedded store does
// (each batch projected over a group's Tx, merged into it, the group merged
// into the graph every third batch) over an empty graph, and returns the
// counts of outcomes and a SHA-256 of every outcome, accepted event and
// mutation.
func projectDigest(t *testing.T, sc rulesScenario) string {
	return projectDigestLayered(t, sc, layering{})
}

// layering is how projectDigestLayered layers the groups over the graph
// (the zero value: as projectDigest does).
type layering struct {
	// graph is the reader the groups read the graph through (nil: the
	// graph's Tx itself).
	graph func(*tracegraph.Tx) tracegraph.GraphReader
	// lineSides is given to every group (Tx.KeepLineSides), as a store's
	// writer does (nil: each group its own).
	lineSides *tracegraph.LineSideMemo
	// project projects a batch (nil: tracegraph.ProjectBatch).
	project func(ctx context.Context, base tracegraph.GraphReader, events []*tracegraph.Event, opts tracegraph.ApplyOptions, firstSeq uint64) (*tracegraph.BatchResult, error)
}

// projectDigestLayered is projectDigest with the groups layered over the
// graph as l says.
func projectDigestLayered(t *testing.T, sc rulesScenario, l layering) string {
	ctx := context.Background()
	graph := tracegraph.NewTx(ctx, tracegraph.EmptyGraph{})
	newGroup := func() *tracegraph.Tx {
		var g *tracegraph.Tx
		if l.graph != nil {
			g = tracegraph.NewTx(ctx, l.graph(graph))
		} else {
			g = tracegraph.NewTx(ctx, graph)
		}
		if l.lineSides != nil {
			g.KeepLineSides(l.lineSides)
		}
		return g
	}
	project := l.project
	if project == nil {
		project = tracegraph.ProjectBatch
	}
	group := newGroup()
	h := sha256.New()
	counts := map[string]int{}
	seq := uint64(1)
	for i, batch := range sc.batches {
		opts := tracegraph.ApplyOptions{Atomic: i < len(sc.atomic) && sc.atomic[i]}
		res, err := project(ctx, group, batch, opts, seq)
		if err != nil {
			t.Fatalf("%s: batch %d: %v", sc.name, i, err)
		}
		for _, o := range res.Outcomes {
			counts[o.Status]++
		}
		writeJSON(t, h, res.Outcomes)
		for _, e := range res.Accepted {
			fmt.Fprintf(h, "%s %s %d %s %s %s %s\n", e.ID, e.Type, e.Seq, e.Time.Format(time.RFC3339Nano), e.Station, e.Operator, e.Data)
		}
		writeJSON(t, h, res.Tx.Mutations())
		counts["mutations"] += len(res.Tx.Mutations())
		res.Tx.MergeInto(group)
		seq += uint64(len(res.Accepted))
		if i%3 == 2 {
			group.MergeInto(graph)
			group = newGroup()
		}
	}
	return fmt.Sprintf("%x accepted=%d duplicate=%d rejected=%d aborted=%d mutations=%d", h.Sum(nil),
		counts[tracegraph.OutcomeAccepted], counts[tracegraph.OutcomeDuplicate], counts[tracegraph.OutcomeRejected],
		counts[tracegraph.OutcomeAborted], counts["mutations"])
}

func writeJSON(t *testing.T, h hash.Hash, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	h.Write(b)
	h.Write([]byte{'\n'})
}
