package tracegraph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// levelChunk is how many units one store question covers: their edges in
// one Edges call, the nodes they reach in one Nodes call.
const levelChunk = 1000

// The record classes of one unit's material line, as bits: what its records
// say, before the line's requirements (refDes, source) turn them into a level.
const (
	clsOrder      uint8 = 1 << iota // ORDER
	clsCandidate                    // CANDIDATE
	clsExactNoRef                   // EXACT, no reference designator
	clsExactRef                     // EXACT with reference designators, or a serial
	clsNoSource                     // some EXACT material of it derives from no wafer batch
)

// matInfo is what the report needs of one lot, component or sub-assembly.
type matInfo struct {
	partNumber string
	source     bool // derives (at any depth) from a wafer batch
}

// levelUnit is one unit's state: its records per line of its assembly.
type levelUnit struct {
	created  time.Time
	scrapped bool
	hasWO    bool
	mat      []uint8 // per material line: record classes (0: none)
	proc     []Level // per process line: the best record's level (0: none)
}

type matLineState struct {
	MaterialLine
	refDes   map[string]struct{}
	material map[ID]bool // material → has a source
	present  int
}

type procLineState struct {
	ProcessLine
	present int
}

type asmState struct {
	pn      string
	depth   int
	units   []levelUnit
	mat     []*matLineState
	matIdx  map[[2]string]int // kind, part number
	proc    []*procLineState
	procIdx map[[2]string]int // kind, name
}

// LevelReader is what TraceabilityLevel reads of a store: the graph, and
// FindMaterial to learn which part numbers have material from a wafer batch.
// Every Store is one.
type LevelReader interface {
	Graph
	FindMaterial(ctx context.Context, f MaterialFilter) ([]ID, error)
}

// levelRun is one computation of a LevelReport.
type levelRun struct {
	g     LevelReader
	asms  []*asmState
	byPN  map[string]*asmState
	seen  map[ID]struct{}
	mats  map[ID]*matInfo
	recs  map[ID]Level // test and process records → their level
	names map[ID]string
	src   map[ID]bool // material → derives from a wafer batch, once resolved
	total int
}

// TraceabilityLevel computes which IPC-1782 material and process levels the
// recorded data reaches for the units req selects and every sub-assembly
// inside them (at depth, as they are now), per BOM line and process step,
// and the gaps that hold them down. It reads the store only through g, a
// chunk of units at a time, so every store shares it. Errors: INVALID for a
// bad request, NOT_FOUND when the unit does not exist or no unit has the
// work order or part number, LIMIT beyond MaxLevelUnits units.
func TraceabilityLevel(ctx context.Context, g LevelReader, req LevelRequest) (*LevelReport, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	r := &levelRun{g: g, byPN: map[string]*asmState{}, seen: map[ID]struct{}{}, mats: map[ID]*matInfo{},
		recs: map[ID]Level{}, names: map[ID]string{}, src: map[ID]bool{}}
	rep := &LevelReport{Request: req}
	var selected []*Node
	if req.Unit != "" {
		n, err := g.Node(ctx, req.Unit)
		if err != nil {
			return nil, err
		}
		selected = []*Node{n}
	} else {
		f := UnitFilter{PartNumber: req.PartNumber, WorkOrder: req.WorkOrder}
		page := Page{First: MaxPageSize}
		for {
			p, err := g.Units(ctx, f, page)
			if err != nil {
				return nil, err
			}
			if p.TotalCount > MaxLevelUnits {
				return nil, Errorf(CodeLimit, "", "%d units are more than a level report covers (%d)", p.TotalCount, MaxLevelUnits)
			}
			selected = append(selected, p.Units...)
			if !p.HasNextPage || len(p.Cursors) == 0 {
				break
			}
			page.After = p.Cursors[len(p.Cursors)-1]
		}
		if len(selected) == 0 {
			field, v := "partNumber", req.PartNumber
			if req.WorkOrder != "" {
				field, v = "workOrder", req.WorkOrder
			}
			return nil, Errorf(CodeNotFound, field, "no unit has %s %q", field, v)
		}
	}
	rep.Units = len(selected)
	for depth, frontier := 0, selected; len(frontier) > 0; depth++ {
		var next []ID
		for len(frontier) > 0 {
			n := min(levelChunk, len(frontier))
			children, err := r.addUnits(ctx, frontier[:n], depth)
			if err != nil {
				return nil, err
			}
			next = append(next, children...)
			frontier = frontier[n:]
		}
		frontier = frontier[:0]
		for len(next) > 0 {
			n := min(levelChunk, len(next))
			nodes, err := g.Nodes(ctx, next[:n])
			if err != nil {
				return nil, err
			}
			for _, nd := range nodes {
				if nd != nil {
					frontier = append(frontier, nd)
				}
			}
			next = next[n:]
		}
	}
	need, err := r.partSources(ctx)
	if err != nil {
		return nil, err
	}
	r.finish(rep, need)
	return rep, nil
}

// addUnits adds units at depth to their assemblies, reads their records and
// returns the sub-assemblies inside them that were not seen yet.
func (r *levelRun) addUnits(ctx context.Context, nodes []*Node, depth int) ([]ID, error) {
	ids := make([]ID, 0, len(nodes))
	idx := make([]int, 0, len(nodes))
	asms := make([]*asmState, 0, len(nodes))
	for _, n := range nodes {
		if _, ok := r.seen[n.ID]; ok || n.Label != LabelUnit {
			continue
		}
		if r.total++; r.total > MaxLevelUnits {
			return nil, Errorf(CodeLimit, "", "the units and their sub-assemblies are more than a level report covers (%d)", MaxLevelUnits)
		}
		r.seen[n.ID] = struct{}{}
		a := r.asm(n.Str("partNumber"), depth)
		a.units = append(a.units, levelUnit{created: n.Time("createdAt"), scrapped: n.Status() == StatusScrapped,
			hasWO: n.Str("workOrder") != ""})
		ids, idx, asms = append(ids, n.ID), append(idx, len(a.units)-1), append(asms, a)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	edges, err := r.g.Edges(ctx, ids, EdgeQuery{Direction: Upstream,
		Types: []EdgeType{EdgeConsumed, EdgeContains, EdgeTestedBy, EdgeProcessedBy}})
	if err != nil {
		return nil, err
	}
	if err := r.load(ctx, edges); err != nil {
		return nil, err
	}
	var children []ID
	for i, es := range edges {
		a, u := asms[i], &asms[i].units[idx[i]]
		for j := range es {
			e := &es[j]
			switch e.Type {
			case EdgeTestedBy, EdgeProcessedBy:
				r.addProc(a, u, e)
			default:
				if e.Target.Label() == LabelUnit {
					if _, ok := r.seen[e.Target]; !ok {
						children = append(children, e.Target)
					}
				}
				r.addMat(a, u, e)
			}
		}
	}
	return children, nil
}

// asm returns the state of the assembly of part number pn.
func (r *levelRun) asm(pn string, depth int) *asmState {
	if a, ok := r.byPN[pn]; ok {
		return a
	}
	a := &asmState{pn: pn, depth: depth, matIdx: map[[2]string]int{}, procIdx: map[[2]string]int{}}
	r.byPN[pn] = a
	r.asms = append(r.asms, a)
	return a
}

// load reads the nodes the edges reach that were not read yet: material
// (and where it derives from) and test and process records.
func (r *levelRun) load(ctx context.Context, edges [][]Edge) error {
	var mats, recs []ID
	for _, es := range edges {
		for _, e := range es {
			switch e.Type {
			case EdgeTestedBy, EdgeProcessedBy:
				if _, ok := r.recs[e.Target]; !ok {
					r.recs[e.Target] = LevelNone
					recs = append(recs, e.Target)
				}
			default:
				if _, ok := r.mats[e.Target]; !ok {
					r.mats[e.Target] = &matInfo{}
					mats = append(mats, e.Target)
				}
			}
		}
	}
	if err := r.readNodes(ctx, recs, func(n *Node) {
		r.recs[n.ID] = recordLevel(n)
		r.names[n.ID] = recordName(n)
	}); err != nil {
		return err
	}
	if err := r.readNodes(ctx, mats, func(n *Node) { r.mats[n.ID].partNumber = n.Str("partNumber") }); err != nil {
		return err
	}
	if err := r.sources(ctx, mats); err != nil {
		return err
	}
	for _, id := range mats {
		r.mats[id].source = r.src[id]
	}
	return nil
}

// partSources finds the part numbers of the material lines whose material
// derives from a wafer batch anywhere in the store, not only in the
// report's scope: a part number with such material needs it, so that its
// material without it is a gap (NO_SOURCE) whatever units are asked about.
func (r *levelRun) partSources(ctx context.Context) (map[string]bool, error) {
	need := map[string]bool{}
	for _, a := range r.asms {
		for _, l := range a.mat {
			if l.Kind == LineAssembly {
				continue
			}
			for _, src := range l.material {
				need[l.PartNumber] = need[l.PartNumber] || src
			}
		}
	}
	for pn, ok := range need {
		if ok || pn == "" {
			continue
		}
		ids, err := r.g.FindMaterial(ctx, MaterialFilter{PartNumber: pn})
		if err != nil {
			return nil, err
		}
		if err := r.sources(ctx, ids); err != nil {
			return nil, err
		}
		for _, id := range ids {
			if r.src[id] {
				need[pn] = true
				break
			}
		}
	}
	return need, nil
}

// readNodes reads ids a chunk at a time and calls f for each that exists.
func (r *levelRun) readNodes(ctx context.Context, ids []ID, f func(*Node)) error {
	for len(ids) > 0 {
		n := min(levelChunk, len(ids))
		nodes, err := r.g.Nodes(ctx, ids[:n])
		if err != nil {
			return err
		}
		for _, nd := range nodes {
			if nd != nil {
				f(nd)
			}
		}
		ids = ids[n:]
	}
	return nil
}

// sources finds which of the material ids derive from a wafer batch,
// following DERIVED_FROM a level at a time for all of them together.
func (r *levelRun) sources(ctx context.Context, ids []ID) error {
	var material []ID
	for _, id := range ids {
		if l := id.Label(); l == LabelMaterialLot || l == LabelComponent {
			material = append(material, id)
		}
	}
	// parents holds what each material derives from; a key without a value
	// is queued. known (r.src) holds resolved answers: wafer batches, and
	// material resolved by an earlier call.
	parents := make(map[ID][]ID, len(material))
	for _, id := range material {
		parents[id] = nil
	}
	known := r.src
	frontier := material
	for len(frontier) > 0 {
		var next []ID
		for len(frontier) > 0 {
			n := min(levelChunk, len(frontier))
			edges, err := r.g.Edges(ctx, frontier[:n], EdgeQuery{Direction: Upstream, Types: []EdgeType{EdgeDerivedFrom}})
			if err != nil {
				return err
			}
			for i, es := range edges {
				ps := make([]ID, 0, len(es))
				for _, e := range es {
					ps = append(ps, e.Target)
					_, queued := parents[e.Target]
					_, resolved := known[e.Target]
					switch {
					case e.Target.Label() == LabelWaferBatch:
						known[e.Target] = true
					case queued, resolved:
					default:
						parents[e.Target] = nil
						next = append(next, e.Target)
					}
				}
				parents[frontier[i]] = ps
			}
			frontier = frontier[n:]
		}
		frontier = next
	}
	var resolve func(ID, int) bool
	resolve = func(id ID, depth int) bool {
		if v, ok := known[id]; ok {
			return v
		}
		known[id] = false // a cycle (refused by the rules) ends here
		if depth > MaxTraceDepth {
			return false
		}
		for _, p := range parents[id] {
			if resolve(p, depth+1) {
				known[id] = true
				return true
			}
		}
		return false
	}
	for _, id := range material {
		resolve(id, 0)
	}
	return nil
}

// recordLevel is the process level one test or process record gives the
// units it names: P2 for a record of several units, P3 for one unit's, P4
// for one unit's with parameters or measurements.
func recordLevel(n *Node) Level {
	switch n.Label {
	case LabelTestRun:
		if ms, _ := n.Props["measurements"].([]any); len(ms) > 0 {
			return Level4
		}
		return Level3
	case LabelProcessStep:
		if c, _ := n.Props["unitCount"].(float64); c > 1 {
			return Level2
		}
		if ps, _ := n.Props["parameters"].(map[string]any); len(ps) > 0 {
			return Level4
		}
		return Level3
	}
	return LevelNone
}

// recordName is the process line of a record: its kind, a tab, its name.
func recordName(n *Node) string {
	if n.Label == LabelTestRun {
		return LineTest + "\t" + n.Str("testType")
	}
	return LineProcess + "\t" + n.Str("step")
}

func (r *levelRun) addProc(a *asmState, u *levelUnit, e *Edge) {
	name, ok := r.names[e.Target]
	if !ok {
		return
	}
	kind, step, _ := strings.Cut(name, "\t")
	key := [2]string{kind, step}
	i, ok := a.procIdx[key]
	if !ok {
		i = len(a.proc)
		a.procIdx[key] = i
		a.proc = append(a.proc, &procLineState{ProcessLine: ProcessLine{Kind: kind, Name: step}})
	}
	for len(u.proc) <= i {
		u.proc = append(u.proc, LevelNone)
	}
	u.proc[i] = max(u.proc[i], r.recs[e.Target])
}

func (r *levelRun) addMat(a *asmState, u *levelUnit, e *Edge) {
	m := r.mats[e.Target]
	if m == nil {
		return
	}
	kind := LineLot
	switch e.Target.Label() {
	case LabelUnit:
		kind = LineAssembly
	case LabelComponent:
		kind = LineComponent
	case LabelMaterialLot:
	default:
		return
	}
	key := [2]string{kind, m.partNumber}
	i, ok := a.matIdx[key]
	if !ok {
		i = len(a.mat)
		a.matIdx[key] = i
		a.mat = append(a.mat, &matLineState{MaterialLine: MaterialLine{Kind: kind, PartNumber: m.partNumber},
			refDes: map[string]struct{}{}, material: map[ID]bool{}})
	}
	l := a.mat[i]
	refs, _ := e.Props["refDes"].([]any)
	for _, x := range refs {
		if s, ok := x.(string); ok {
			l.refDes[s] = struct{}{}
		}
	}
	pos, _ := e.Props["position"].(string)
	if pos != "" {
		l.refDes[pos] = struct{}{}
	}
	source := m.source || kind == LineAssembly // a sub-assembly's own report covers its material
	l.material[e.Target] = source
	var cls uint8
	switch {
	case e.Precision == PrecisionOrder:
		cls = clsOrder
	case e.Precision == PrecisionCandidate:
		cls = clsCandidate
	case len(refs) > 0 || pos != "" || kind != LineLot:
		cls = clsExactRef
	default:
		cls = clsExactNoRef
	}
	if !source {
		cls |= clsNoSource
	}
	for len(u.mat) <= i {
		u.mat = append(u.mat, 0)
	}
	u.mat[i] |= cls
}

// matLevel is the level of a unit's records cls on line l, and the gap
// reason that holds it there ("" at M4).
func matLevel(cls uint8, l *MaterialLine) (Level, string) {
	switch {
	case cls == 0:
		return LevelNone, GapMissing
	case cls&clsOrder != 0:
		return Level1, GapOrderOnly
	case cls&clsCandidate != 0:
		return Level2, GapCandidate
	case cls&clsExactNoRef != 0 && l.NeedsRefDes:
		return Level2, GapNoRefDes
	case cls&clsNoSource != 0 && l.NeedsSource:
		return Level3, GapNoSource
	}
	return Level4, ""
}

// procLevel is a unit's level on a process line from its best record p.
func procLevel(p Level, u *levelUnit) (Level, string) {
	switch p {
	case LevelNone:
		if u.hasWO {
			return Level1, GapMissing
		}
		return LevelNone, GapMissing
	case Level2:
		return Level2, GapBatch
	case Level3:
		return Level3, GapNoParameters
	}
	return p, ""
}

// gapAcc accumulates one gap.
type gapAcc struct {
	LevelGap
}

func (g *gapAcc) add(t time.Time) {
	g.Units++
	if g.From.IsZero() || t.Before(g.From) {
		g.From = t
	}
	if t.After(g.To) {
		g.To = t
	}
}

// finish turns the states into the report.
func (r *levelRun) finish(rep *LevelReport, needSource map[string]bool) {
	slices.SortStableFunc(r.asms, func(a, b *asmState) int {
		return cmp.Or(cmp.Compare(a.depth, b.depth), cmp.Compare(a.pn, b.pn))
	})
	rep.MaterialLevel, rep.ProcessLevel = Level4, Level4
	for _, a := range r.asms {
		al, gaps := a.finish(needSource)
		rep.Assemblies = append(rep.Assemblies, al)
		rep.Gaps = append(rep.Gaps, gaps...)
		rep.MaterialLevel = min(rep.MaterialLevel, al.MaterialLevel)
		rep.ProcessLevel = min(rep.ProcessLevel, al.ProcessLevel)
	}
	slices.SortStableFunc(rep.Gaps, func(a, b LevelGap) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(b.Units, a.Units), cmp.Compare(a.Assembly, b.Assembly),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Reason, b.Reason))
	})
}

func (a *asmState) finish(needSource map[string]bool) (AssemblyLevel, []LevelGap) {
	al := AssemblyLevel{PartNumber: a.pn, Depth: a.depth, Units: len(a.units)}
	counted := 0 // units a missing line counts on: not scrapped
	for i := range a.units {
		if a.units[i].scrapped {
			al.Scrapped++
		} else {
			counted++
		}
	}
	for i, l := range a.mat {
		for j := range a.units {
			if u := &a.units[j]; i < len(u.mat) && u.mat[i] != 0 {
				l.present++
			}
		}
		l.Optional = 2*l.present <= counted
		l.NeedsSource = l.Kind != LineAssembly && needSource[l.PartNumber]
		for _, src := range l.material {
			l.Material++
			if !src {
				l.SourcelessMaterial++
			}
		}
		if !l.NeedsSource {
			l.SourcelessMaterial = 0
		}
		l.NeedsRefDes = len(l.refDes) > 0 && l.Kind == LineLot
		l.RefDesCount = len(l.refDes)
		for s := range l.refDes {
			l.RefDes = append(l.RefDes, s)
		}
		slices.SortFunc(l.RefDes, compareRefDes)
		l.RefDes = l.RefDes[:min(len(l.RefDes), MaxLevelRefDes)]
	}
	for i, l := range a.proc {
		for j := range a.units {
			if u := &a.units[j]; i < len(u.proc) && u.proc[i] != LevelNone {
				l.present++
			}
		}
		l.Optional = 2*l.present <= counted
	}

	matGaps := make([]map[string]*gapAcc, len(a.mat))
	procGaps := make([]map[string]*gapAcc, len(a.proc))
	var noMat gapAcc
	var noProc [Level1 + 1]gapAcc // by level: no work order, work order
	for j := range a.units {
		u := &a.units[j]
		ml, pl := Level4, Level4
		countedMat, countedProc := false, false
		if len(a.mat) == 0 && !u.scrapped {
			ml, countedMat = LevelNone, true
			noMat.add(u.created)
		}
		for i, l := range a.mat {
			var cls uint8
			if i < len(u.mat) {
				cls = u.mat[i]
			}
			if cls == 0 && (l.Optional || u.scrapped) {
				continue
			}
			lv, why := matLevel(cls, &l.MaterialLine)
			l.Units[lv]++
			ml, countedMat = min(ml, lv), true
			if why != "" {
				gapOf(&matGaps[i], why, lv).add(u.created)
			}
		}
		if len(a.proc) == 0 && !u.scrapped {
			pl, countedProc = LevelNone, true
			if u.hasWO {
				pl = Level1
			}
			noProc[pl].add(u.created)
		}
		for i, l := range a.proc {
			p := LevelNone
			if i < len(u.proc) {
				p = u.proc[i]
			}
			if p == LevelNone && (l.Optional || u.scrapped) {
				continue
			}
			lv, why := procLevel(p, u)
			l.Units[lv]++
			pl, countedProc = min(pl, lv), true
			if why != "" {
				gapOf(&procGaps[i], why, lv).add(u.created)
			}
		}
		// A scrapped unit with nothing recorded counts nowhere.
		if countedMat {
			al.MaterialUnits[ml]++
		}
		if countedProc {
			al.ProcessUnits[pl]++
		}
	}
	al.MaterialLevel, al.ProcessLevel = al.MaterialUnits.Lowest(), al.ProcessUnits.Lowest()

	var gaps []LevelGap
	for i, l := range a.mat {
		l.Level = l.Units.Lowest()
		al.MaterialLines = append(al.MaterialLines, l.MaterialLine)
		for _, g := range sortedGaps(matGaps[i]) {
			g.Assembly, g.Kind, g.LineKind, g.Line = a.pn, GapKindMaterial, l.Kind, l.PartNumber
			if g.Reason == GapNoSource {
				g.Material = l.SourcelessMaterial
			}
			g.Message = materialGapMessage(&g.LevelGap, &l.MaterialLine)
			gaps = append(gaps, g.LevelGap)
		}
	}
	for i, l := range a.proc {
		l.Level = l.Units.Lowest()
		al.ProcessLines = append(al.ProcessLines, l.ProcessLine)
		for _, g := range sortedGaps(procGaps[i]) {
			g.Assembly, g.Kind, g.LineKind, g.Line = a.pn, GapKindProcess, l.Kind, l.Name
			g.Message = processGapMessage(&g.LevelGap)
			gaps = append(gaps, g.LevelGap)
		}
	}
	if noMat.Units > 0 {
		noMat.Assembly, noMat.Kind, noMat.Reason = a.pn, GapKindMaterial, GapMissing
		noMat.Message = fmt.Sprintf("%s: no material recorded on %s%s", a.pn, units(noMat.Units), span(&noMat.LevelGap))
		gaps = append(gaps, noMat.LevelGap)
	}
	for lv := range noProc {
		g := &noProc[lv]
		if g.Units == 0 {
			continue
		}
		g.Assembly, g.Kind, g.Reason, g.Level = a.pn, GapKindProcess, GapMissing, Level(lv)
		how := "known only per work order"
		if g.Level == LevelNone {
			how = "and no work order"
		}
		g.Message = fmt.Sprintf("%s: no process or test record on %s%s: %s", a.pn, units(g.Units), span(&g.LevelGap), how)
		gaps = append(gaps, g.LevelGap)
	}
	slices.SortFunc(al.MaterialLines, func(x, y MaterialLine) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.PartNumber, y.PartNumber))
	})
	slices.SortFunc(al.ProcessLines, func(x, y ProcessLine) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Name, y.Name))
	})
	return al, gaps
}

func gapOf(m *map[string]*gapAcc, why string, lv Level) *gapAcc {
	if *m == nil {
		*m = map[string]*gapAcc{}
	}
	g := (*m)[why]
	if g == nil {
		g = &gapAcc{LevelGap: LevelGap{Reason: why, Level: lv}}
		(*m)[why] = g
	}
	return g
}

func sortedGaps(m map[string]*gapAcc) []*gapAcc {
	out := make([]*gapAcc, 0, len(m))
	for _, g := range m {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *gapAcc) int { return cmp.Compare(a.Reason, b.Reason) })
	return out
}

func units(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return fmt.Sprintf("%d units", n)
}

// span names when the gap's units were created.
func span(g *LevelGap) string {
	const day = "2006-01-02"
	if g.From.IsZero() {
		return ""
	}
	f, t := g.From.UTC().Format(day), g.To.UTC().Format(day)
	if f != t {
		return " (made " + f + " to " + t + ")"
	}
	return " (made " + f + ")"
}

func materialGapMessage(g *LevelGap, l *MaterialLine) string {
	what := "part " + l.PartNumber
	if len(l.RefDes) > 0 {
		refs := strings.Join(l.RefDes[:min(len(l.RefDes), 4)], ", ")
		if l.RefDesCount > 4 {
			refs += fmt.Sprintf(" and %d more", l.RefDesCount-4)
		}
		what += " (refDes " + refs + ")"
	}
	in := g.Assembly + ": " + what
	switch g.Reason {
	case GapMissing:
		return fmt.Sprintf("%s has no record on %s%s", in, units(g.Units), span(g))
	case GapOrderOnly:
		return fmt.Sprintf("%s on %s%s known only per work order", in, units(g.Units), span(g))
	case GapCandidate:
		return fmt.Sprintf("%s on %s%s known only as candidate lots (a splice or feeder window)", in, units(g.Units), span(g))
	case GapNoRefDes:
		return fmt.Sprintf("%s on %s%s known per lot, without reference designators", in, units(g.Units), span(g))
	case GapNoSource:
		kind := "lots"
		if l.Kind == LineComponent {
			kind = "components"
		}
		return fmt.Sprintf("%s on %s%s: no wafer batch for %d of the %d %s used", in, units(g.Units), span(g), l.SourcelessMaterial, l.Material, kind)
	}
	return in
}

func processGapMessage(g *LevelGap) string {
	what := g.Line
	if g.LineKind == LineTest {
		what += " test"
	}
	in := g.Assembly + ": "
	switch g.Reason {
	case GapMissing:
		if g.Level == Level1 {
			return fmt.Sprintf("%sno %s record on %s%s: known only per work order", in, what, units(g.Units), span(g))
		}
		return fmt.Sprintf("%sno %s record on %s%s, and no work order", in, what, units(g.Units), span(g))
	case GapBatch:
		return fmt.Sprintf("%s%s on %s%s recorded per batch, not per unit", in, what, units(g.Units), span(g))
	case GapNoParameters:
		if g.LineKind == LineTest {
			return fmt.Sprintf("%s%s on %s%s: pass/fail only, no measurements", in, what, units(g.Units), span(g))
		}
		return fmt.Sprintf("%s%s on %s%s recorded per unit without parameters", in, what, units(g.Units), span(g))
	}
	return in + what
}

// compareRefDes orders reference designators as people do: by their letters,
// then by their number (C2 before C10).
func compareRefDes(a, b string) int {
	split := func(s string) (string, int, string) {
		i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
		if i < 0 {
			return s, -1, ""
		}
		j := i
		n := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' && n < 1e8 {
			n = n*10 + int(s[j]-'0')
			j++
		}
		return s[:i], n, s[j:]
	}
	pa, na, ra := split(a)
	pb, nb, rb := split(b)
	return cmp.Or(cmp.Compare(pa, pb), cmp.Compare(na, nb), cmp.Compare(ra, rb), cmp.Compare(a, b))
}
