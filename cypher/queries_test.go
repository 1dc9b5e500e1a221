package cypher

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/internal/querygen"
)

// TestGeneratedQueriesUpToDate fails when the committed generated files
// differ from what `go generate ./cypher` writes.
func TestGeneratedQueriesUpToDate(t *testing.T) {
	files, err := querygen.Files()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s: %v (run go generate ./cypher)", name, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from its template (run go generate ./cypher)", name)
		}
	}
	// No stale generated file stays behind.
	all, _ := filepath.Glob("*.cypher")
	for _, name := range all {
		b, _ := os.ReadFile(name)
		if _, ok := files[name]; !ok && strings.HasPrefix(string(b), querygen.Header) {
			t.Errorf("%s is generated but no longer produced (run go generate ./cypher)", name)
		}
	}
}

// TestQueryFiles checks that every query the code names exists, that every
// file is used, and that values only ever come in as $parameters.
func TestQueryFiles(t *testing.T) {
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, name := range []string{qSchemaAwait, qHeadLock, qHeadSet, qHeadGet, qEventsCreate, qEventGet, qEventVoid,
		qEventsPage, qEventsInTime, qEventsLink, qNodeEvents, qNodeGet, qNodeProps, qNodesByKey, qNodeVoid, qNodeEdgesOut, qNodeEdgesIn, qNodesEdgesIn, qNodesEdgesOut,
		qEdgesByEvent, qExpandOut, qExpandIn, qHoldAdd, qHoldRemove, qHeldBy, qHeldNodes, qIdentAdd, qIdentRemove,
		qIdentOwners, qUnitsPage, qUnitsCount, qUnitsCountScan, qStatsNodes, qStatsEdges, qPing, qPartNumbers,
		qMaterialByPartNumber, qMaterialByMPN, qMaterialByManufacturer, qMaterialBySupplier, qMaterialByCountry,
		qMaterialByDateCode, qProcessByStation, qProcessByRecipe, qProcessByStep, qTestsByType, qTestsByFirmware,
		qTestsByChecksum} {
		used[name] = true
	}
	for _, l := range tracegraph.Labels {
		used[qNodePut(l)] = true
		used[qNodeCreate(l)] = true
	}
	for _, et := range tracegraph.EdgeTypes {
		used[qEdgeAdd(et)] = true
		used[qEdgeUpdate(et)] = true
	}
	for _, u := range querygen.UnitSeeks {
		used[unitsPageBy+u.Name] = true
		used[unitsCountBy+u.Name] = true
	}
	for _, name := range q.schema() {
		used[name] = true
	}
	for set := range querygen.LevelsSets {
		used[qExpandOutLevels+set] = true
		used[qExpandInLevels+set] = true
	}
	for name := range used {
		if _, err := q.text(name); err != nil {
			t.Errorf("query %s: %v", name, err)
		}
	}
	for name := range q {
		if !used[name] {
			t.Errorf("%s.cypher is not used by the code", name)
		}
	}
	// String literals are allowed only where they are fixed names.
	literal := regexp.MustCompile(`'[^']*'`)
	for name, text := range q {
		for _, lit := range literal.FindAllString(stripComments(text), -1) {
			if lit != "'head'" && lit != "''" && !((strings.HasPrefix(name, "stats_") || strings.HasPrefix(name, "expand_")) && tracegraphName(strings.Trim(lit, "'"))) {
				t.Errorf("%s.cypher has the literal %s: pass values as $parameters", name, lit)
			}
		}
	}
}

func stripComments(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func tracegraphName(s string) bool {
	return tracegraph.Label(s).Valid() || tracegraph.EdgeType(s).Valid()
}

func TestSchemaStatements(t *testing.T) {
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	names := q.schema()
	keys := 0
	for _, name := range names {
		text := stripComments(q[name])
		if !strings.Contains(text, "IF NOT EXISTS") {
			t.Errorf("%s.cypher is not idempotent: want CREATE ... IF NOT EXISTS", name)
		}
		if strings.Contains(text, "REQUIRE n.key IS UNIQUE") {
			keys++
		}
	}
	if keys != len(tracegraph.Labels) {
		t.Errorf("%d key constraints, want one per label (%d)", keys, len(tracegraph.Labels))
	}
	for _, name := range names {
		if name == qSchemaAwait {
			t.Errorf("schema() lists %s, which must run last", qSchemaAwait)
		}
	}
}

// TestLevelsSets checks that the walks pick the expand_*_levels query of
// their types: each set querygen renders is the one levelsSet names for
// those types (in any order, repeated), no other set of types has one, and
// both agree on the levels a query expands.
func TestLevelsSets(t *testing.T) {
	if expandLevels != querygen.ExpandLevels {
		t.Errorf("expandLevels is %d, the queries expand %d", expandLevels, querygen.ExpandLevels)
	}
	for set, types := range querygen.LevelsSets {
		var ts []tracegraph.EdgeType
		for _, name := range types {
			ts = append(ts, tracegraph.EdgeType(name))
		}
		if types != nil {
			ts = append(ts, ts[0]) // repeated
			slices.Reverse(ts)
		}
		if got, ok := levelsSet(ts); !ok || got != set {
			t.Errorf("levelsSet(%v) = %q, %v; want %q", ts, got, ok, set)
		}
	}
	if got, ok := levelsSet(tracegraph.EdgeTypes); !ok || got != "all" {
		t.Errorf("levelsSet(every type) = %q, %v; want all", got, ok)
	}
	for _, ts := range [][]tracegraph.EdgeType{{tracegraph.EdgeConsumed}, {tracegraph.EdgeContains, tracegraph.EdgeConsumed},
		{tracegraph.EdgeContains, tracegraph.EdgeConsumed, tracegraph.EdgeTestedBy}} {
		if got, ok := levelsSet(ts); ok {
			t.Errorf("levelsSet(%v) = %q: no query follows exactly those types", ts, got)
		}
	}
}
