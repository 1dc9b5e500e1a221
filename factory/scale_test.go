package factory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// TestScaleS generates the S factory (10,000 units) once, checks every event
// against the store's rules, and then checks its shape.
func TestScaleS(t *testing.T) {
	const n = 10_000
	c := newChecker()
	c.watchPN = newCatalog().shared.pn
	var buf []byte
	sum, err := Generate(context.Background(), Config{Units: n, Seed: 42}, func(ev *tracegraph.Event) error {
		want, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		if buf, err = AppendEvent(buf[:0], ev); err != nil {
			return err
		}
		if !bytes.Equal(buf, want) {
			return fmt.Errorf("AppendEvent = %s, json.Marshal = %s", buf, want)
		}
		if err := normalizeCanonical(ev); err != nil {
			return fmt.Errorf("%s %s: %w", ev.ID, ev.Type, err)
		}
		return c.check(ev)
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}

	kinds := map[string]int{}
	type acc struct{ sum, n, min, max int }
	tests, procs, cons := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, kind string, v int) {
		a := m[kind]
		if a == nil {
			a = &acc{min: v, max: v}
			m[kind] = a
		}
		a.sum, a.n, a.min, a.max = a.sum+v, a.n+1, min(a.min, v), max(a.max, v)
	}
	mean := func(m map[string]*acc, kind string) float64 {
		if a := m[kind]; a != nil && a.n > 0 {
			return float64(a.sum) / float64(a.n)
		}
		return 0
	}
	boxes, pallets, badBox, badPallet := 0, 0, 0, 0
	unwatched := 0
	for id, kind := range c.nodes {
		switch kind {
		case "pcba", "module", "product":
			kinds[kind]++
			add(tests, "all", c.tests[id])
			add(procs, "all", c.procs[id])
			add(procs, kind, c.procs[id])
			if !c.scrapped[id] {
				add(cons, kind, c.consumed[id])
			}
			if kind != "product" && !c.watched[id] {
				unwatched++
			}
		case "box":
			boxes++
			if c.contents[id] != BoxSize {
				badBox++
			}
		case "pallet":
			pallets++
			if c.contents[id] != PalletSize {
				badPallet++
			}
		}
	}
	logical := float64(c.byPrec[tracegraph.PrecisionCandidate]) / 2
	allCons := float64(c.byPrec[tracegraph.PrecisionExact]+c.byPrec[tracegraph.PrecisionOrder]) + logical
	badIMEI := 0
	for _, v := range c.imeis {
		if len(v) != 15 || !luhnValid(v) {
			badIMEI++
		}
	}
	var typeSum int64
	for _, v := range sum.EventsByType {
		typeSum += v
	}

	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"units", float64(sum.Units), n, n},
		{"unit.created events", float64(kinds["pcba"] + kinds["module"] + kinds["product"]), n, n},
		{"PCBAs per unit", float64(kinds["pcba"]) / n, 0.26, 0.31},
		{"modules per unit", float64(kinds["module"]) / n, 0.36, 0.46},
		{"products per unit", float64(kinds["product"]) / n, 0.26, 0.31},
		{"summary PCBAs", float64(sum.UnitsByKind["pcba"]), float64(kinds["pcba"]), float64(kinds["pcba"])},
		// Two of the three SMT lines report one unit.placed per board
		// instead of a material.consumed per part (lineside.go).
		{"events per unit", float64(sum.Events) / n, 18, 26},
		{"events by type add up", float64(typeSum), float64(sum.Events), float64(sum.Events)},
		{"checked events", float64(c.n), float64(sum.Events), float64(sum.Events)},
		{"consumptions per PCBA", mean(cons, "pcba"), 58, 64},
		{"consumptions per module", mean(cons, "module"), 19, 22},
		{"consumptions per product", mean(cons, "product"), 3, 5},
		// SMT1 splices shortly before the splice point (lineside.go): its
		// windows are narrow, the others' hold about 2 % of consumptions.
		{"CANDIDATE share of consumptions", logical / allCons, 0.004, 0.03},
		// Products take screws per work order; PCBAs take coating per work
		// order but on SMT1, which records it per board.
		{"ORDER consumptions", float64(c.byPrec[tracegraph.PrecisionOrder]), float64(kinds["product"] + kinds["pcba"]/3), float64(kinds["pcba"] + kinds["product"])},
		{"PCBAs and modules without the shared part", float64(unwatched), 0, 0},
		{"fewest tests of a unit", float64(tests["all"].min), 3, 3},
		{"most tests of a unit", float64(tests["all"].max), 5, 5},
		{"process records per unit", mean(procs, "all"), 7.5, 8.5},
		{"process records per PCBA", mean(procs, "pcba"), 7.5, 8.5},
		{"firmware versions (4 families)", float64(len(c.firmware)), 8, 16},
		{"FCT retest passes per unit", float64(c.fctRetest) / n, 0.008, 0.025},
		{"measurements near a limit", float64(c.nearLimit) / float64(c.measured), 0.005, 0.15},
		{"boxes", float64(boxes), float64(sum.Boxes), float64(sum.Boxes)},
		{"boxes of 20", float64(boxes - badBox), float64(boxes), float64(boxes)},
		{"pallets of 40 boxes", float64(pallets - badPallet), float64(pallets), float64(pallets)},
		{"pallets", float64(pallets), 3, 4},
		{"shipments", float64(sum.Shipments), 1, 4},
		{"products shipped", float64(sum.ProductsShipped), 800, 3200},
		{"products in house", float64(sum.ProductsInHouse), 100, 1200},
		{"IMEIs", float64(len(c.imeis)), 1000, 3000},
		{"IMEIs failing Luhn", float64(badIMEI), 0, 0},
		{"reworked share", float64(sum.Reworked) / n, 0.006, 0.015},
		{"scrapped share", float64(sum.Scrapped) / n, 0.0015, 0.005},
		{"holds placed", float64(sum.EventsByType[tracegraph.EventHoldPlaced]), 1, 1},
		{"holds released", float64(sum.EventsByType[tracegraph.EventHoldReleased]), 1, 1},
		{"wafer batches", float64(sum.WaferBatches), 3, 10},
		{"lots from the fact wafer batch", float64(sum.Facts.WaferBatchLots), 3, 5},
		{"units from the fact wafer batch", float64(sum.Facts.WaferBatchUnits), 1, float64(kinds["pcba"])},
	}
	for _, ck := range checks {
		if ck.got < ck.lo || ck.got > ck.hi {
			t.Errorf("%s = %.4g, want in [%.4g, %.4g]", ck.name, ck.got, ck.lo, ck.hi)
		}
	}

	f := sum.Facts
	facts := []struct {
		name string
		ok   bool
	}{
		{"product has its IMEI", c.idents["IMEI:"+f.ProductIMEI] == "Unit:"+f.Product},
		{"product has its MAC", c.idents["MAC:"+f.ProductMAC] == "Unit:"+f.Product},
		{"product contains its PCBA", c.parent["Unit:"+f.ProductPCBA] == "Unit:"+f.Product},
		{"product is in its box", c.container["Unit:"+f.Product] == "Box:"+f.ProductBox},
		{"box is on the product's pallet", c.container["Box:"+f.ProductBox] == "Pallet:"+f.ProductPallet},
		{"pallet SSCC is valid", tracegraph.ValidSSCC(f.PalletSSCC)},
		{"pallet holds 800 products", f.PalletBoxes == PalletSize && f.PalletProducts == BoxSize*PalletSize},
		{"shipment exists", c.nodes["Shipment:"+f.Shipment] == "shipment"},
		{"splice lots exist", c.nodes["MaterialLot:"+f.SpliceLots[0]] == "lot" && c.nodes["MaterialLot:"+f.SpliceLots[1]] == "lot"},
		{"reworked unit exists", c.nodes["Unit:"+f.ReworkedUnit] != ""},
		{"scrapped unit is scrapped", c.scrapped["Unit:"+f.ScrappedUnit]},
		{"hold lot exists", c.nodes["MaterialLot:"+f.HoldLot] == "lot"},
		{"wafer batch exists", c.nodes["WaferBatch:"+f.WaferBatch] == "wafer"},
		{"order lot exists", c.nodes["MaterialLot:"+f.OrderLot] == "lot" && f.OrderLotUnits > 0},
	}
	for _, ft := range facts {
		if !ft.ok {
			t.Errorf("fact %q does not hold: %+v", ft.name, f)
		}
	}
	if t.Failed() {
		b, _ := json.MarshalIndent(sum, "", "  ")
		t.Logf("summary: %s", b)
	}
}

func TestAppendEventMatchesMarshal(t *testing.T) {
	base := tracegraph.Event{ID: "e1", Type: tracegraph.EventUnitCreated, Time: DefaultStart(), Data: json.RawMessage(`{"serial":"S1","partNumber":"P"}`)}
	tests := []struct {
		name string
		edit func(*tracegraph.Event)
	}{
		{"plain", func(*tracegraph.Event) {}},
		{"station and operator", func(e *tracegraph.Event) { e.Station, e.Operator = "SMT1-PRN", "OP1001" }},
		{"html and quotes", func(e *tracegraph.Event) { e.Station, e.Operator = `<a href="x">&</a>`, `back\slash` }},
		{"control characters", func(e *tracegraph.Event) { e.ID = "a\bb\fc\nd\re\tf\x01g\x1f" }},
		{"unicode", func(e *tracegraph.Event) { e.Operator = "Jörg Müller \u2028\u2029 日本" }},
		{"invalid utf-8", func(e *tracegraph.Event) { e.Station = "bad\xff\xfe" }},
		{"nanoseconds", func(e *tracegraph.Event) { e.Time = e.Time.Add(123456789) }},
		{"milliseconds", func(e *tracegraph.Event) { e.Time = e.Time.Add(250e6) }},
		{"other zone", func(e *tracegraph.Event) { e.Time = e.Time.In(time.FixedZone("CET", 3600)) }},
		{"no data", func(e *tracegraph.Event) { e.Data = nil }},
		{"sealed", func(e *tracegraph.Event) { e.Seal(7, DefaultStart(), "abc") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := base
			tt.edit(&ev)
			want, err := json.Marshal(&ev)
			if err != nil {
				t.Fatal(err)
			}
			got, err := AppendEvent(nil, &ev)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("AppendEvent = %s, %v\nwant %s", got, err, want)
			}
		})
	}
}
