package tracegraph

import (
	"strconv"
	"time"
)

// The IPC-1782 level report: which material level (M1–M4) and process level
// (P1–P4) the recorded data reaches for a unit, a work order or a part
// number, per BOM line and per process step, and the gaps that hold it
// down. docs/traceability-levels.md gives the definitions it applies;
// TraceabilityLevel (levels_compute.go) computes it over any Graph.

// Level is an IPC-1782 traceability level from 1 to 4, or 0 when nothing is
// recorded. The same number is a material level (M1–M4) or a process level
// (P1–P4); Material and Process name it.
type Level uint8

// The levels. LevelNone means no record at all.
const (
	LevelNone Level = iota
	Level1
	Level2
	Level3
	Level4
)

// Material returns the material level's name: "NONE", "M1" … "M4".
func (l Level) Material() string { return l.name("M") }

// Process returns the process level's name: "NONE", "P1" … "P4".
func (l Level) Process() string { return l.name("P") }

func (l Level) name(prefix string) string {
	if l == LevelNone || l > Level4 {
		return "NONE"
	}
	return prefix + strconv.Itoa(int(l))
}

// LevelCounts counts units by level: LevelCounts[l] units reach level l.
type LevelCounts [Level4 + 1]int

// Lowest returns the lowest level any unit is counted at (LevelNone when
// none is counted).
func (c LevelCounts) Lowest() Level {
	for l, n := range c {
		if n > 0 {
			return Level(l)
		}
	}
	return LevelNone
}

// LevelRequest asks for the levels of one unit, one work order or one part
// number: exactly one of the three is given.
type LevelRequest struct {
	Unit       ID
	WorkOrder  string
	PartNumber string
}

// Validate checks that exactly one scope is given (INVALID, naming the field).
func (r *LevelRequest) Validate() error {
	n := 0
	for _, s := range []string{string(r.Unit), r.WorkOrder, r.PartNumber} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return Errorf(CodeInvalid, "unit", "give exactly one of unit, workOrder and partNumber")
	}
	if r.Unit != "" {
		l, _, err := ParseID(string(r.Unit))
		if err != nil {
			return err.(*Error).withField("unit")
		}
		if l != LabelUnit {
			return Errorf(CodeInvalid, "unit", "%s is not a unit", r.Unit)
		}
	}
	return nil
}

// Material line kinds: what a BOM line's records link a unit to.
const (
	LineLot       = "LOT"       // material lots (CONSUMED)
	LineComponent = "COMPONENT" // serialized purchased parts (CONTAINS)
	LineAssembly  = "ASSEMBLY"  // serialized sub-assemblies made here (CONTAINS)
)

// Process line kinds.
const (
	LineProcess = "PROCESS" // process.recorded steps, by step name
	LineTest    = "TEST"    // test.recorded records, by test type
)

// Gap reasons: why units sit below level 4 on a line.
const (
	// GapMissing: the line is part of the assembly (recorded on more than
	// half of its units) but has no record on these units. Material: level
	// NONE. Process: known only per work order (P1), or NONE without one.
	GapMissing = "MISSING"
	// GapOrderOnly: the material is known only per work order (ORDER): M1.
	GapOrderOnly = "ORDER_ONLY"
	// GapCandidate: only candidate lots are known (a splice or feeder time
	// window, CANDIDATE): M2.
	GapCandidate = "CANDIDATE"
	// GapNoRefDes: the lot is known exactly but not which reference
	// designators it fed, while other units record them: M2.
	GapNoRefDes = "NO_REFDES"
	// GapNoSource: exact material whose lots (or components) derive from no
	// wafer batch, while other material of the part number does: M3.
	GapNoSource = "NO_SOURCE"
	// GapBatch: the step is recorded per batch (one record for several
	// units), not per unit: P2.
	GapBatch = "BATCH"
	// GapNoParameters: per-unit records without process parameters or test
	// measurements: P3.
	GapNoParameters = "NO_PARAMETERS"
)

// MaxLevelRefDes bounds the reference designators a MaterialLine lists
// (RefDesCount counts them all).
const MaxLevelRefDes = 50

// MaxLevelUnits bounds the units (selected and their sub-assemblies) one
// report covers: the computation keeps about a hundred bytes per unit.
const MaxLevelUnits = 2_000_000

// MaterialLine is one BOM line of an assembly: the records of one part
// number of one kind, over the assembly's units.
type MaterialLine struct {
	Kind       string `json:"kind"` // LineLot, LineComponent or LineAssembly
	PartNumber string `json:"partNumber"`
	// RefDes are the reference designators recorded for the line (sorted,
	// at most MaxLevelRefDes); RefDesCount counts them all.
	RefDes      []string `json:"refDes"`
	RefDesCount int      `json:"refDesCount"`
	// NeedsRefDes: some unit records reference designators for the line,
	// so an exact lot without them is M2. NeedsSource: some material of
	// the line derives from a wafer batch, so material that does not is M3.
	NeedsRefDes bool `json:"needsRefDes"`
	NeedsSource bool `json:"needsSource"`
	// Optional: recorded on at most half of the assembly's units (an
	// alternate part, a rework replacement): units without it are not
	// counted, and it is never missing.
	Optional bool `json:"optional"`
	// Level is the lowest level of a counted unit; Units counts them by level.
	Level Level       `json:"level"`
	Units LevelCounts `json:"units"`
	// Material counts the distinct lots, components or sub-assemblies
	// recorded; SourcelessMaterial those of them without a wafer batch.
	Material           int `json:"material"`
	SourcelessMaterial int `json:"sourcelessMaterial"`
}

// ProcessLine is one process step or test type of an assembly.
type ProcessLine struct {
	Kind     string      `json:"kind"` // LineProcess or LineTest
	Name     string      `json:"name"` // the step or the test type
	Optional bool        `json:"optional"`
	Level    Level       `json:"level"`
	Units    LevelCounts `json:"units"`
}

// AssemblyLevel is the levels of the units of one part number in the report.
type AssemblyLevel struct {
	PartNumber string `json:"partNumber"`
	// Depth is 0 for the selected units' part numbers, 1 for their
	// sub-assemblies, and so on (the fewest hops it was reached by).
	Depth    int `json:"depth"`
	Units    int `json:"units"`
	Scrapped int `json:"scrapped"`
	// MaterialLevel and ProcessLevel are the lowest of the lines; the
	// counts count units by their own lowest line.
	MaterialLevel Level          `json:"materialLevel"`
	ProcessLevel  Level          `json:"processLevel"`
	MaterialUnits LevelCounts    `json:"materialUnits"`
	ProcessUnits  LevelCounts    `json:"processUnits"`
	MaterialLines []MaterialLine `json:"materialLines"`
	ProcessLines  []ProcessLine  `json:"processLines"`
}

// LevelGap is one reason that holds units of an assembly below level 4 on
// one line.
type LevelGap struct {
	Assembly string `json:"assembly"` // the assembly's part number
	// Line is the material's part number (Kind MATERIAL) or the step or
	// test type (Kind PROCESS); LineKind is the line's kind (LineLot …).
	Kind     string `json:"kind"`
	LineKind string `json:"lineKind"`
	Line     string `json:"line"`
	Reason   string `json:"reason"` // one of the Gap* reasons
	// Level is the level the gap holds these units at.
	Level Level `json:"level"`
	Units int   `json:"units"`
	// Material counts the lots or components concerned (NO_SOURCE only).
	Material int `json:"material,omitempty"`
	// From and To are the earliest and latest creation of these units.
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Message string    `json:"message"`
}

// Gap kinds.
const (
	GapKindMaterial = "MATERIAL"
	GapKindProcess  = "PROCESS"
)

// LevelReport is the answer to a LevelRequest.
type LevelReport struct {
	Request LevelRequest `json:"request"`
	// Units counts the selected units; Assemblies their part numbers and
	// those of every sub-assembly inside them, by depth, then part number.
	Units      int             `json:"units"`
	Assemblies []AssemblyLevel `json:"assemblies"`
	// MaterialLevel and ProcessLevel are the lowest of the assemblies.
	MaterialLevel Level `json:"materialLevel"`
	ProcessLevel  Level `json:"processLevel"`
	// Gaps are every gap, the lowest level first, then the most units.
	Gaps []LevelGap `json:"gaps"`
}
