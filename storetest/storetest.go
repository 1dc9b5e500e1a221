package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Opener returns a fresh, empty store for one test; it registers the store's
// cleanup with t.
type Opener = func(t *testing.T) tracegraph.Store

// Run runs the whole conformance suite against the stores open returns. Every
// subtest calls open for a fresh, empty store.
func Run(t *testing.T, open Opener) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, open Opener)
	}{
		{"Empty", testEmpty},
		{"Decode", testDecode},
		{"Rules", testRules},
		{"Idempotency", testIdempotency},
		{"Props", testProps},
		{"Batches", testBatches},
		{"Log", testLog},
		{"RecordTimes", testRecordTimes},
		{"VerifyAnchor", testVerifyAnchor},
		{"VerifyWhileWriting", testVerifyWhileWriting},
		{"Changes", testChanges},
		{"Nodes", testNodes},
		{"Edges", testEdges},
		{"Rework", testRework},
		{"Repack", testRepack},
		{"Explode", testExplode},
		{"Precision", testPrecision},
		{"TraceSemantics", testTraceSemantics},
		{"DeepChains", testDeepChains},
		{"FanOut", testFanOut},
		{"Holds", testHolds},
		{"HoldOnBox", testHoldOnBox},
		{"HoldIDs", testHoldIDs},
		{"ContainmentRelease", testContainmentRelease},
		{"PublishedRecall", testPublishedRecall},
		{"PublicLot", testPublicLot},
		{"ContainerHolds", testContainerHolds},
		{"Lookup", testLookup},
		{"Keys", testKeys},
		{"NodeEvents", testNodeEvents},
		{"Units", testUnits},
		{"Recall", testRecall},
		{"RecallRework", testRecallRework},
		{"RollupTime", testRollupTime},
		{"Material", testMaterial},
		{"RecallMaterial", testRecallMaterial},
		{"RecallUnits", testRecallUnits},
		{"Evidence", testEvidence},
		{"WhereUsed", testWhereUsed},
		{"ProcessUnits", testProcessUnits},
		{"TestUnits", testTestUnits},
		{"TraceabilityLevel", testTraceabilityLevel},
		{"Void", testVoid},
		{"LineSideSplice", testLineSideSplice},
		{"LineSideWrongPart", testLineSideWrongPart},
		{"LineSideExpired", testLineSideExpired},
		{"LineSideRoute", testLineSideRoute},
		{"LineSideVoid", testLineSideVoid},
		{"Concurrency", testConcurrency},
		{"Products", testProducts},
		{"Serials", testSerials},
		{"SerialsConcurrent", testSerialsConcurrent},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, open) })
	}
}

// ---- building and applying events

// parse decodes a fixture or fails the test.
func parse(t *testing.T, text string) []*tracegraph.Event {
	t.Helper()
	evs, err := ParseEvents(text)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// event builds one event at minute m or fails the test.
func event(t *testing.T, id string, typ tracegraph.EventType, m int, data any) *tracegraph.Event {
	t.Helper()
	ev, err := NewEvent(id, typ, At(m), data)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// apply applies events and fails the test when the store fails.
func apply(t *testing.T, s tracegraph.Store, evs []*tracegraph.Event, opts tracegraph.ApplyOptions) []tracegraph.Outcome {
	t.Helper()
	outs, err := s.Apply(context.Background(), evs, opts)
	if err != nil {
		t.Fatalf("Apply(%d events) error: %v", len(evs), err)
	}
	if len(outs) != len(evs) {
		t.Fatalf("Apply(%d events) returned %d outcomes", len(evs), len(outs))
	}
	return outs
}

// mustApply applies events and fails the test unless every one is accepted.
func mustApply(t *testing.T, s tracegraph.Store, evs ...*tracegraph.Event) []tracegraph.Outcome {
	t.Helper()
	outs := apply(t, s, evs, tracegraph.ApplyOptions{})
	for i, o := range outs {
		if o.Status != tracegraph.OutcomeAccepted {
			t.Fatalf("Apply: event %d %q: %s %v, want accepted", i, evs[i].ID, o.Status, o.Error)
		}
		if o.Index != i || o.ID != evs[i].ID {
			t.Fatalf("Apply: outcome %d is for index %d id %q, want %d %q", i, o.Index, o.ID, i, evs[i].ID)
		}
	}
	return outs
}

// load applies a fixture, every event of which must be accepted.
func load(t *testing.T, s tracegraph.Store, fixture string) {
	t.Helper()
	evs := parse(t, fixture)
	// Apply in chunks so that no store needs one huge batch.
	for len(evs) > 0 {
		n := min(len(evs), 500)
		mustApply(t, s, evs[:n]...)
		evs = evs[n:]
	}
}

// mustApplyAll applies many events in batches of n.
func mustApplyAll(t *testing.T, s tracegraph.Store, evs []*tracegraph.Event, n int) {
	t.Helper()
	for len(evs) > 0 {
		k := min(len(evs), n)
		mustApply(t, s, evs[:k]...)
		evs = evs[k:]
	}
}

// refuse applies one event that must be rejected with code and field.
func refuse(t *testing.T, s tracegraph.Store, ev *tracegraph.Event, code tracegraph.Code, field string) {
	t.Helper()
	outs := apply(t, s, []*tracegraph.Event{ev}, tracegraph.ApplyOptions{})
	o := outs[0]
	if o.Status != tracegraph.OutcomeRejected || o.Error == nil {
		t.Fatalf("Apply(%s %s) = %s %v, want rejected %s %s", ev.ID, ev.Type, o.Status, o.Error, code, field)
	}
	if o.Error.Code != code || o.Error.Field != field {
		t.Errorf("Apply(%s %s) refused with %s field %q (%s), want %s field %q",
			ev.ID, ev.Type, o.Error.Code, o.Error.Field, o.Error.Message, code, field)
	}
	if o.Error.Message == "" {
		t.Errorf("Apply(%s %s) refused with an empty message", ev.ID, ev.Type)
	}
}

// ---- reading

var bg = context.Background()

func ids(ss ...string) []tracegraph.ID {
	out := make([]tracegraph.ID, len(ss))
	for i, s := range ss {
		out[i] = tracegraph.ID(s)
	}
	return out
}

// node returns the node or fails the test.
func node(t *testing.T, s tracegraph.Store, id string) *tracegraph.Node {
	t.Helper()
	n, err := s.Node(bg, tracegraph.ID(id))
	if err != nil {
		t.Fatalf("Node(%q) error: %v", id, err)
	}
	if n == nil || n.ID != tracegraph.ID(id) {
		t.Fatalf("Node(%q) = %+v, want the node", id, n)
	}
	return n
}

// notFound checks that the node does not exist.
func notFound(t *testing.T, s tracegraph.Store, id string) {
	t.Helper()
	n, err := s.Node(bg, tracegraph.ID(id))
	if !tracegraph.IsNotFound(err) {
		t.Errorf("Node(%q) = %+v, %v; want NOT_FOUND", id, n, err)
	}
}

// status checks a unit's status.
func status(t *testing.T, s tracegraph.Store, id, want string) {
	t.Helper()
	if got := node(t, s, id).Status(); got != want {
		t.Errorf("Node(%q).Status() = %q, want %q", id, got, want)
	}
}

// holdSources returns "holdID<-source" for each hold on the node, sorted.
func holdSources(n *tracegraph.Node) []string {
	var out []string
	for _, h := range n.Holds {
		out = append(out, h.ID+"<-"+string(h.Source))
	}
	slices.Sort(out)
	return out
}

// held checks the holds on each node ("holdID<-source" strings; none: not held).
func held(t *testing.T, s tracegraph.Store, want map[string][]string) {
	t.Helper()
	for _, id := range sortedKeys(want) {
		got := holdSources(node(t, s, id))
		if !slices.Equal(got, want[id]) {
			t.Errorf("Node(%q).Holds = %v, want %v", id, got, want[id])
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fmtNode is how trace answers are compared: "depth ID PRECISION".
func fmtNode(n tracegraph.TraceNode) string {
	return fmt.Sprintf("%d %s %s", n.Depth, n.ID, n.Precision)
}

func fmtNodes(ns []tracegraph.TraceNode) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmtNode(n)
	}
	return out
}

func lines(ss []string) string {
	if len(ss) == 0 {
		return "\t(none)"
	}
	return "\t" + strings.Join(ss, "\n\t")
}

func fmtReq(r tracegraph.TraceRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v %s", r.From, r.Direction)
	if r.MaxDepth != 0 {
		fmt.Fprintf(&b, " maxDepth=%d", r.MaxDepth)
	}
	if len(r.EdgeTypes) > 0 {
		fmt.Fprintf(&b, " edgeTypes=%v", r.EdgeTypes)
	}
	if !r.AsOf.IsZero() {
		fmt.Fprintf(&b, " asOf=%s", r.AsOf.Format(time.RFC3339))
	}
	if r.History {
		b.WriteString(" history")
	}
	if r.MinPrecision != 0 {
		fmt.Fprintf(&b, " minPrecision=%s", r.MinPrecision)
	}
	if r.Limit != 0 {
		fmt.Fprintf(&b, " limit=%d", r.Limit)
	}
	return b.String()
}

// trace runs a trace that must succeed and checks the answer's order: by
// depth, then ID, each node once, start nodes at depth 0.
func trace(t *testing.T, s tracegraph.Store, req tracegraph.TraceRequest) *tracegraph.TraceResult {
	t.Helper()
	res, err := s.Trace(bg, req)
	if err != nil {
		t.Fatalf("Trace(%s) error: %v", fmtReq(req), err)
	}
	seen := map[tracegraph.ID]bool{}
	for i, n := range res.Nodes {
		if seen[n.ID] {
			t.Errorf("Trace(%s) returns %s twice", fmtReq(req), n.ID)
		}
		seen[n.ID] = true
		if i > 0 {
			p := res.Nodes[i-1]
			if p.Depth > n.Depth || (p.Depth == n.Depth && p.ID >= n.ID) {
				t.Errorf("Trace(%s): %q comes before %q; want order by depth, then ID", fmtReq(req), fmtNode(p), fmtNode(n))
			}
		}
		if n.Label != n.ID.Label() {
			t.Errorf("Trace(%s): %s has label %q", fmtReq(req), n.ID, n.Label)
		}
		if slices.Contains(req.From, n.ID) && n.Depth != 0 {
			t.Errorf("Trace(%s): start node %s at depth %d, want 0", fmtReq(req), n.ID, n.Depth)
		}
	}
	// The edges are those followed between the nodes returned, as asked.
	seenEdge := map[tracegraph.EdgeID]bool{}
	for _, e := range res.Edges {
		ok := seen[e.Source] && seen[e.Target] && !e.Voided && !seenEdge[e.ID] && e.Precision >= req.MinPrecision &&
			(len(req.EdgeTypes) == 0 || slices.Contains(req.EdgeTypes, e.Type))
		switch {
		case req.History:
		case req.AsOf.IsZero():
			ok = ok && e.Open()
		default:
			ok = ok && e.ValidAt(req.AsOf)
		}
		if !ok {
			t.Errorf("Trace(%s) returns edge %s (id %d), which is not one followed between the nodes returned", fmtReq(req), fmtEdge(e), e.ID)
		}
		seenEdge[e.ID] = true
	}
	return res
}

// checkTrace runs a trace and compares its nodes with want ("depth ID PRECISION").
func checkTrace(t *testing.T, s tracegraph.Store, req tracegraph.TraceRequest, want []string) *tracegraph.TraceResult {
	t.Helper()
	res := trace(t, s, req)
	if got := fmtNodes(res.Nodes); !slices.Equal(got, want) {
		t.Errorf("Trace(%s) =\n%s\nwant\n%s", fmtReq(req), lines(got), lines(want))
	}
	if res.Truncated {
		t.Errorf("Trace(%s).Truncated = true, want false", fmtReq(req))
	}
	return res
}

// fmtEdge is how edges are compared: "TYPE source->target PRECISION [from, to)".
func fmtEdge(e tracegraph.Edge) string {
	s := fmt.Sprintf("%s %s->%s %s from %s", e.Type, e.Source, e.Target, e.Precision, minute(e.ValidFrom))
	if !e.ValidTo.IsZero() {
		s += fmt.Sprintf(" to %s by %s", minute(e.ValidTo), e.ClosedBy)
	}
	return s
}

// minute formats t as the fixture minute it stands for.
func minute(t time.Time) string {
	d := t.Sub(At(0))
	if d%time.Minute == 0 {
		return fmt.Sprintf("m%d", int(d/time.Minute))
	}
	return t.Format(time.RFC3339Nano)
}

func fmtEdges(es []tracegraph.Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmtEdge(e)
	}
	slices.Sort(out)
	return out
}

// edgesOf returns the edges of one node.
func edgesOf(t *testing.T, s tracegraph.Store, id string, q tracegraph.EdgeQuery) []tracegraph.Edge {
	t.Helper()
	all, err := s.Edges(bg, ids(id), q)
	if err != nil {
		t.Fatalf("Edges(%q, %+v) error: %v", id, q, err)
	}
	if len(all) != 1 {
		t.Fatalf("Edges(%q) returned %d lists, want 1", id, len(all))
	}
	return all[0]
}

// checkEdges compares the edges of a node with want (fmtEdge strings, any order).
func checkEdges(t *testing.T, s tracegraph.Store, id string, q tracegraph.EdgeQuery, want []string) []tracegraph.Edge {
	t.Helper()
	es := edgesOf(t, s, id, q)
	want = slices.Clone(want)
	slices.Sort(want)
	if got := fmtEdges(es); !slices.Equal(got, want) {
		t.Errorf("Edges(%q, %+v) =\n%s\nwant\n%s", id, q, lines(got), lines(want))
	}
	return es
}

// explode runs Explode and returns "depth ID" strings sorted by depth, then ID.
func explode(t *testing.T, s tracegraph.Store, id string, asOf time.Time) []string {
	t.Helper()
	ns, err := s.Explode(bg, tracegraph.ID(id), asOf)
	if err != nil {
		t.Fatalf("Explode(%q, %s) error: %v", id, minute(asOf), err)
	}
	out := make([]string, ns.Len())
	for i, n := range ns.Nodes() {
		out[i] = fmt.Sprintf("%d %s", n.Depth, n.ID)
	}
	slices.SortFunc(out, func(a, b string) int {
		var da, db int
		var ia, ib string
		fmt.Sscan(a, &da, &ia)
		fmt.Sscan(b, &db, &ib)
		if da != db {
			return da - db
		}
		return strings.Compare(ia, ib)
	})
	return out
}

func checkExplode(t *testing.T, s tracegraph.Store, id string, asOf time.Time, want []string) {
	t.Helper()
	if got := explode(t, s, id, asOf); !slices.Equal(got, want) {
		at := "now"
		if !asOf.IsZero() {
			at = minute(asOf)
		}
		t.Errorf("Explode(%q, %s) =\n%s\nwant\n%s", id, at, lines(got), lines(want))
	}
}

// ---- "nothing changed"

// snap is what must not change when an event is refused.
type snap struct {
	Seq    uint64
	Hash   string
	Events uint64
	Nodes  map[tracegraph.Label]int
	Edges  map[tracegraph.EdgeType]int
	Node   map[tracegraph.ID]string // JSON-ish dump, "" when missing
	EdgesF map[tracegraph.ID][]string
	Units  int      // Units() total
	Held   []string // Units(onHold: true)
}

// snapshot records the head, the counts, and the given nodes with all their
// edges (history included).
func snapshot(t *testing.T, s tracegraph.Store, nodes []tracegraph.ID) snap {
	t.Helper()
	var sn snap
	var err error
	sn.Seq, sn.Hash, err = s.Head(bg)
	if err != nil {
		t.Fatalf("Head() error: %v", err)
	}
	st, err := s.Stats(bg)
	if err != nil {
		t.Fatalf("Stats() error: %v", err)
	}
	sn.Events = st.Events
	sn.Nodes = nonZero(st.Nodes)
	sn.Edges = nonZero(st.Edges)
	ns, err := s.Nodes(bg, nodes)
	if err != nil {
		t.Fatalf("Nodes(%v) error: %v", nodes, err)
	}
	if len(ns) != len(nodes) {
		t.Fatalf("Nodes(%d ids) returned %d", len(nodes), len(ns))
	}
	sn.Node = map[tracegraph.ID]string{}
	for i, n := range ns {
		sn.Node[nodes[i]] = dumpNode(n)
	}
	es, err := s.Edges(bg, nodes, tracegraph.EdgeQuery{Direction: tracegraph.Both, History: true})
	if err != nil {
		t.Fatalf("Edges(%v) error: %v", nodes, err)
	}
	sn.EdgesF = map[tracegraph.ID][]string{}
	for i, l := range es {
		sn.EdgesF[nodes[i]] = fmtEdges(l)
	}
	p, err := s.Units(bg, tracegraph.UnitFilter{}, tracegraph.Page{First: 1})
	if err != nil {
		t.Fatalf("Units() error: %v", err)
	}
	sn.Units = p.TotalCount
	sn.Held = onHold(t, s)
	return sn
}

func nonZero[K comparable](m map[K]int) map[K]int {
	out := map[K]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func dumpNode(n *tracegraph.Node) string {
	if n == nil {
		return ""
	}
	return fmt.Sprintf("%s props=%v holds=%v createdBy=%s version=%d", n.ID, n.Props, holdSources(n), n.CreatedBy, n.Version)
}

// unchanged compares two snapshots.
func unchanged(t *testing.T, what string, before, after snap) {
	t.Helper()
	if before.Seq != after.Seq || before.Hash != after.Hash {
		t.Errorf("after %s: Head() = %d %s, want %d %s (unchanged)", what, after.Seq, after.Hash, before.Seq, before.Hash)
	}
	if before.Events != after.Events || !reflect.DeepEqual(before.Nodes, after.Nodes) || !reflect.DeepEqual(before.Edges, after.Edges) {
		t.Errorf("after %s: Stats() = %d events %v %v, want %d events %v %v (unchanged)", what,
			after.Events, after.Nodes, after.Edges, before.Events, before.Nodes, before.Edges)
	}
	if before.Units != after.Units || !slices.Equal(before.Held, after.Held) {
		t.Errorf("after %s: Units() total %d, on hold %v; want %d, %v (unchanged)", what, after.Units, after.Held, before.Units, before.Held)
	}
	for id, b := range before.Node {
		if a := after.Node[id]; a != b {
			t.Errorf("after %s: Node(%q) =\n\t%s\nwant (unchanged)\n\t%s", what, id, a, b)
		}
	}
	for id, b := range before.EdgesF {
		if a := after.EdgesF[id]; !slices.Equal(a, b) {
			t.Errorf("after %s: Edges(%q) =\n%s\nwant (unchanged)\n%s", what, id, lines(a), lines(b))
		}
	}
}

// wantCode checks err's domain code.
func wantCode(t *testing.T, what string, err error, code tracegraph.Code) {
	t.Helper()
	if got := tracegraph.ErrorCode(err); got != code {
		t.Errorf("%s error = %v (code %q), want code %s", what, err, got, code)
	}
}
