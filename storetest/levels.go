package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// LevelFixture is a factory built for the IPC-1782 level report: each part
// number reaches one material and one process level exactly.
//
//	L1  A1 A2   coating per work order only (ORDER); no process record      M1 P1
//	L2  B1 B2   resistors: B1 a lot without refDes, B2 two candidate reels;
//	            one reflow record for both (a batch)                        M2 P2
//	L3  C1 C2   ICs with refDes, C2's lot without a wafer batch; per-unit
//	            reflow without parameters, AOI without measurements; C1's
//	            rework (optional: on one unit of two)                       M3 P3
//	L4  D1      IC from a wafer batch, resistors, a radio by serial; reflow
//	            with parameters, FCT with measurements                      M4 P4
//	L5  E1      holds C2 (sub-assembly); no process record                  M4 P1 (C2: M3 P3)
//	L0  Z1-Z3   Z3 has neither the resistors nor the ICT Z1 and Z2 have,
//	            and no work order; Z4 scrapped with nothing                 NONE NONE
const LevelFixture = `
0 wb  wafer.registered   {"waferBatch":"WB1"}
0 ic1 lot.received       {"lot":"IC-1","partNumber":"IC","derivedFrom":["WaferBatch:WB1"]}
0 ic2 lot.received       {"lot":"IC-2","partNumber":"IC"}
0 r1  lot.received       {"lot":"R-1","partNumber":"RES"}
0 r2  lot.received       {"lot":"R-2","partNumber":"RES"}
0 ct  lot.received       {"lot":"CT-1","partNumber":"COAT"}
0 rad component.received {"serials":["RAD1"],"partNumber":"RADIO"}
1 mk-a1 unit.created {"serial":"A1","partNumber":"L1","workOrder":"W1"}
1 mk-a2 unit.created {"serial":"A2","partNumber":"L1","workOrder":"W1"}
2 mk-b1 unit.created {"serial":"B1","partNumber":"L2","workOrder":"W2"}
2 mk-b2 unit.created {"serial":"B2","partNumber":"L2","workOrder":"W2"}
3 mk-c1 unit.created {"serial":"C1","partNumber":"L3","workOrder":"W3"}
3 mk-c2 unit.created {"serial":"C2","partNumber":"L3","workOrder":"W3"}
4 mk-d1 unit.created {"serial":"D1","partNumber":"L4","workOrder":"W4"}
5 mk-e1 unit.created {"serial":"E1","partNumber":"L5","workOrder":"W5"}
6 mk-z1 unit.created {"serial":"Z1","partNumber":"L0"}
6 mk-z2 unit.created {"serial":"Z2","partNumber":"L0"}
7 mk-z3 unit.created {"serial":"Z3","partNumber":"L0"}
7 mk-z4 unit.created {"serial":"Z4","partNumber":"L0"}
10 a1-ct material.consumed {"unit":"A1","lot":"CT-1","precision":"ORDER"}
10 a2-ct material.consumed {"unit":"A2","lot":"CT-1","precision":"ORDER"}
11 b1-r1 material.consumed {"unit":"B1","lot":"R-1"}
11 b1-r2 material.consumed {"unit":"B1","lot":"R-2","precision":"ORDER"}
11 b1-void event.voided {"event":"b1-r2","reason":"recorded against the wrong board"}
11 b2-r1 material.consumed {"unit":"B2","lot":"R-1","refDes":["R1","R2"],"precision":"CANDIDATE"}
11 b2-r2 material.consumed {"unit":"B2","lot":"R-2","refDes":["R1","R2"],"precision":"CANDIDATE"}
12 b-rfl process.recorded {"units":["B1","B2"],"step":"reflow","parameters":{"peakC":245}}
13 c1-ic material.consumed {"unit":"C1","lot":"IC-1","refDes":["U1"]}
13 c2-ic material.consumed {"unit":"C2","lot":"IC-2","refDes":["U1"]}
14 c1-rfl process.recorded {"units":["C1"],"step":"reflow"}
14 c2-rfl process.recorded {"units":["C2"],"step":"reflow"}
15 c1-aoi test.recorded {"unit":"C1","testType":"AOI","result":"pass"}
15 c2-aoi test.recorded {"unit":"C2","testType":"AOI","result":"pass"}
16 c1-rwk process.recorded {"units":["C1"],"step":"rework","parameters":{"nozzleC":265}}
17 d1-ic material.consumed {"unit":"D1","lot":"IC-1","refDes":["U1"]}
17 d1-r material.consumed {"unit":"D1","lot":"R-1","refDes":["R1","R2"]}
17 d1-rad material.consumed {"unit":"D1","component":"RAD1","refDes":["M1"]}
18 d1-rfl process.recorded {"units":["D1"],"step":"reflow","parameters":{"peakC":244}}
19 d1-fct test.recorded {"unit":"D1","testType":"FCT","result":"pass","measurements":[{"name":"VBAT","value":3.7,"low":3.5,"high":3.9}]}
20 e1-c2 unit.assembled {"parent":"E1","child":"C2"}
21 z1-r material.consumed {"unit":"Z1","lot":"R-2"}
21 z2-r material.consumed {"unit":"Z2","lot":"R-2"}
22 z1-ict test.recorded {"unit":"Z1","testType":"ICT","result":"pass","measurements":[{"name":"R1","value":10}]}
22 z2-ict test.recorded {"unit":"Z2","testType":"ICT","result":"pass","measurements":[{"name":"R1","value":10}]}
23 z4-scrap unit.scrapped {"unit":"Z4","reason":"dropped"}
`

// fmtLevels summarizes a report: "M2 P2", then per assembly
// "PN@depth units M? P? [material lines] [process lines]", then the gaps.
func fmtLevels(rep *tracegraph.LevelReport) []string {
	out := []string{fmt.Sprintf("%d units %s %s", rep.Units, rep.MaterialLevel.Material(), rep.ProcessLevel.Process())}
	for _, a := range rep.Assemblies {
		var lines []string
		for _, l := range a.MaterialLines {
			s := fmt.Sprintf("%s:%s=%s%v", l.Kind, l.PartNumber, l.Level.Material(), l.Units)
			if l.NeedsRefDes {
				s += "+ref" + strings.Join(l.RefDes, ",")
			}
			if l.NeedsSource {
				s += fmt.Sprintf("+src%d/%d", l.SourcelessMaterial, l.Material)
			}
			if l.Optional {
				s += "?"
			}
			lines = append(lines, s)
		}
		for _, l := range a.ProcessLines {
			s := fmt.Sprintf("%s:%s=%s%v", l.Kind, l.Name, l.Level.Process(), l.Units)
			if l.Optional {
				s += "?"
			}
			lines = append(lines, s)
		}
		out = append(out, fmt.Sprintf("%s@%d %d-%d %s %s %s", a.PartNumber, a.Depth, a.Units, a.Scrapped,
			a.MaterialLevel.Material(), a.ProcessLevel.Process(), strings.Join(lines, " ")))
	}
	for _, g := range rep.Gaps {
		lv := g.Level.Material()
		if g.Kind == tracegraph.GapKindProcess {
			lv = g.Level.Process()
		}
		out = append(out, fmt.Sprintf("gap %s %s %s %s %s units=%d material=%d %s..%s",
			g.Assembly, g.Kind, g.Line, g.Reason, lv, g.Units, g.Material, g.From.Format("15:04"), g.To.Format("15:04")))
	}
	return out
}

func testTraceabilityLevel(t *testing.T, open Opener) {
	s := open(t)
	mustApply(t, s, parse(t, LevelFixture)...)
	tests := []struct {
		name string
		req  tracegraph.LevelRequest
		want []string
	}{
		{"M1 P1", tracegraph.LevelRequest{PartNumber: "L1"}, []string{
			"2 units M1 P1",
			"L1@0 2-0 M1 P1 LOT:COAT=M1[0 2 0 0 0]",
			"gap L1 MATERIAL COAT ORDER_ONLY M1 units=2 material=0 08:01..08:01",
			"gap L1 PROCESS  MISSING P1 units=2 material=0 08:01..08:01",
		}},
		{"M2 P2", tracegraph.LevelRequest{WorkOrder: "W2"}, []string{
			"2 units M2 P2",
			"L2@0 2-0 M2 P2 LOT:RES=M2[0 0 2 0 0]+refR1,R2 PROCESS:reflow=P2[0 0 2 0 0]",
			"gap L2 PROCESS reflow BATCH P2 units=2 material=0 08:02..08:02",
			"gap L2 MATERIAL RES CANDIDATE M2 units=1 material=0 08:02..08:02",
			"gap L2 MATERIAL RES NO_REFDES M2 units=1 material=0 08:02..08:02",
		}},
		{"M3 P3", tracegraph.LevelRequest{PartNumber: "L3"}, []string{
			"2 units M3 P3",
			"L3@0 2-0 M3 P3 LOT:IC=M3[0 0 0 1 1]+refU1+src1/2 PROCESS:reflow=P3[0 0 0 2 0] PROCESS:rework=P4[0 0 0 0 1]? TEST:AOI=P3[0 0 0 2 0]",
			"gap L3 PROCESS AOI NO_PARAMETERS P3 units=2 material=0 08:03..08:03",
			"gap L3 PROCESS reflow NO_PARAMETERS P3 units=2 material=0 08:03..08:03",
			"gap L3 MATERIAL IC NO_SOURCE M3 units=1 material=1 08:03..08:03",
		}},
		{"M4 P4", tracegraph.LevelRequest{Unit: "Unit:D1"}, []string{
			"1 units M4 P4",
			"L4@0 1-0 M4 P4 COMPONENT:RADIO=M4[0 0 0 0 1] LOT:IC=M4[0 0 0 0 1]+refU1+src0/1 LOT:RES=M4[0 0 0 0 1]+refR1,R2 PROCESS:reflow=P4[0 0 0 0 1] TEST:FCT=P4[0 0 0 0 1]",
		}},
		{"a sub-assembly holds it down", tracegraph.LevelRequest{Unit: "Unit:E1"}, []string{
			"1 units M3 P1",
			"L5@0 1-0 M4 P1 ASSEMBLY:L3=M4[0 0 0 0 1]",
			"L3@1 1-0 M3 P3 LOT:IC=M3[0 0 0 1 0]+refU1+src1/1 PROCESS:reflow=P3[0 0 0 1 0] TEST:AOI=P3[0 0 0 1 0]",
			"gap L5 PROCESS  MISSING P1 units=1 material=0 08:05..08:05",
			"gap L3 MATERIAL IC NO_SOURCE M3 units=1 material=1 08:03..08:03",
			"gap L3 PROCESS AOI NO_PARAMETERS P3 units=1 material=0 08:03..08:03",
			"gap L3 PROCESS reflow NO_PARAMETERS P3 units=1 material=0 08:03..08:03",
		}},
		{"missing lines and no work order", tracegraph.LevelRequest{PartNumber: "L0"}, []string{
			"4 units NONE NONE",
			"L0@0 4-1 NONE NONE LOT:RES=NONE[1 0 0 0 2] TEST:ICT=NONE[1 0 0 0 2]",
			"gap L0 MATERIAL RES MISSING NONE units=1 material=0 08:07..08:07",
			"gap L0 PROCESS ICT MISSING NONE units=1 material=0 08:07..08:07",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := tracegraph.TraceabilityLevel(bg, s, tt.req)
			if err != nil {
				t.Fatalf("TraceabilityLevel(%+v): %v", tt.req, err)
			}
			if got := fmtLevels(rep); !slices.Equal(got, tt.want) {
				t.Errorf("TraceabilityLevel(%+v) =\n%s\nwant\n%s", tt.req, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, g := range rep.Gaps {
				if g.Message == "" || !strings.HasPrefix(g.Message, g.Assembly+": ") {
					t.Errorf("gap %+v: message %q does not name its assembly", g, g.Message)
				}
			}
		})
	}
	t.Run("bad questions", func(t *testing.T) {
		for _, tt := range []struct {
			req  tracegraph.LevelRequest
			code tracegraph.Code
		}{
			{tracegraph.LevelRequest{}, tracegraph.CodeInvalid},
			{tracegraph.LevelRequest{PartNumber: "L1", WorkOrder: "W1"}, tracegraph.CodeInvalid},
			{tracegraph.LevelRequest{Unit: "MaterialLot:IC-1"}, tracegraph.CodeInvalid},
			{tracegraph.LevelRequest{Unit: "nonsense"}, tracegraph.CodeInvalid},
			{tracegraph.LevelRequest{Unit: "Unit:NOPE"}, tracegraph.CodeNotFound},
			{tracegraph.LevelRequest{PartNumber: "NOPE"}, tracegraph.CodeNotFound},
			{tracegraph.LevelRequest{WorkOrder: "NOPE"}, tracegraph.CodeNotFound},
		} {
			_, err := tracegraph.TraceabilityLevel(bg, s, tt.req)
			wantCode(t, fmt.Sprintf("TraceabilityLevel(%+v)", tt.req), err, tt.code)
		}
	})
}
