package model

import "github.com/tracegraph/tracegraph"

// NewTraceabilityLevelReport converts the domain's level report to its
// GraphQL shape (which the REST export writes as JSON too).
func NewTraceabilityLevelReport(r *tracegraph.LevelReport) *TraceabilityLevelReport {
	out := &TraceabilityLevelReport{
		Units:         r.Units,
		MaterialLevel: MaterialLevel(r.MaterialLevel.Material()),
		ProcessLevel:  ProcessLevel(r.ProcessLevel.Process()),
		Assemblies:    make([]*AssemblyLevel, len(r.Assemblies)),
		Gaps:          make([]*LevelGap, len(r.Gaps)),
	}
	for i := range r.Assemblies {
		a := &r.Assemblies[i]
		m := &AssemblyLevel{
			PartNumber: a.PartNumber, Depth: a.Depth, Units: a.Units, Scrapped: a.Scrapped,
			MaterialLevel: MaterialLevel(a.MaterialLevel.Material()), ProcessLevel: ProcessLevel(a.ProcessLevel.Process()),
			MaterialUnits: materialCounts(a.MaterialUnits), ProcessUnits: processCounts(a.ProcessUnits),
			MaterialLines: make([]*MaterialLine, len(a.MaterialLines)), ProcessLines: make([]*ProcessLine, len(a.ProcessLines)),
		}
		for j, l := range a.MaterialLines {
			m.MaterialLines[j] = &MaterialLine{Kind: l.Kind, PartNumber: l.PartNumber, RefDes: nonNil(l.RefDes), RefDesCount: l.RefDesCount,
				NeedsRefDes: l.NeedsRefDes, NeedsSource: l.NeedsSource, Optional: l.Optional,
				Level: MaterialLevel(l.Level.Material()), Units: materialCounts(l.Units),
				Material: l.Material, SourcelessMaterial: l.SourcelessMaterial}
		}
		for j, l := range a.ProcessLines {
			m.ProcessLines[j] = &ProcessLine{Kind: l.Kind, Name: l.Name, Optional: l.Optional,
				Level: ProcessLevel(l.Level.Process()), Units: processCounts(l.Units)}
		}
		out.Assemblies[i] = m
	}
	for i, g := range r.Gaps {
		lv := g.Level.Material()
		if g.Kind == tracegraph.GapKindProcess {
			lv = g.Level.Process()
		}
		out.Gaps[i] = &LevelGap{Assembly: g.Assembly, Kind: g.Kind, LineKind: g.LineKind, Line: g.Line, Reason: g.Reason,
			Level: lv, Units: g.Units, Material: g.Material, From: g.From, To: g.To, Message: g.Message}
	}
	return out
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// materialCounts lists the levels some unit reaches, lowest first.
func materialCounts(c tracegraph.LevelCounts) []*MaterialLevelCount {
	out := []*MaterialLevelCount{}
	for l, n := range c {
		if n > 0 {
			out = append(out, &MaterialLevelCount{Level: MaterialLevel(tracegraph.Level(l).Material()), Units: n})
		}
	}
	return out
}

// processCounts lists the levels some unit reaches, lowest first.
func processCounts(c tracegraph.LevelCounts) []*ProcessLevelCount {
	out := []*ProcessLevelCount{}
	for l, n := range c {
		if n > 0 {
			out = append(out, &ProcessLevelCount{Level: ProcessLevel(tracegraph.Level(l).Process()), Units: n})
		}
	}
	return out
}
