package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

const recallFixture = `
# W1 feeds lots L1 and L2; L9 is unrelated.
0  rcv-w1  wafer.registered   {"waferBatch":"W1"}
0  rcv-l1  lot.received       {"lot":"L1","partNumber":"IC-5","derivedFrom":["W1"]}
0  rcv-l2  lot.received       {"lot":"L2","partNumber":"IC-5","derivedFrom":["W1"]}
0  rcv-l9  lot.received       {"lot":"L9","partNumber":"R-1"}
1  mk-a1   unit.created       {"serial":"A1","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a2   unit.created       {"serial":"A2","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a3   unit.created       {"serial":"A3","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a4   unit.created       {"serial":"A4","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a5   unit.created       {"serial":"A5","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a6   unit.created       {"serial":"A6","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-p1   unit.created       {"serial":"P1","partNumber":"PRD-1","workOrder":"WO-P"}
1  mk-p2   unit.created       {"serial":"P2","partNumber":"PRD-1","workOrder":"WO-P"}
1  mk-p3   unit.created       {"serial":"P3","partNumber":"PRD-1","workOrder":"WO-P"}
1  mk-p4   unit.created       {"serial":"P4","partNumber":"PRD-1","workOrder":"WO-P"}
1  mk-p5   unit.created       {"serial":"P5","partNumber":"PRD-1","workOrder":"WO-P"}
1  mk-p6   unit.created       {"serial":"P6","partNumber":"PRD-1","workOrder":"WO-P"}
# A3 in a splice window; L2 known only per work order for A4.
2  a1-l1   material.consumed  {"unit":"A1","lot":"L1"}
2  a2-l1   material.consumed  {"unit":"A2","lot":"L1"}
2  a3-l1   material.consumed  {"unit":"A3","lot":"L1","precision":"CANDIDATE"}
2  a4-l2   material.consumed  {"unit":"A4","lot":"L2","precision":"ORDER"}
2  a5-l9   material.consumed  {"unit":"A5","lot":"L9"}
2  a6-l1   material.consumed  {"unit":"A6","lot":"L1"}
3  p1-a1   unit.assembled     {"parent":"P1","child":"A1"}
3  p2-a2   unit.assembled     {"parent":"P2","child":"A2"}
3  p3-a3   unit.assembled     {"parent":"P3","child":"A3"}
3  p4-a4   unit.assembled     {"parent":"P4","child":"A4"}
3  p5-a5   unit.assembled     {"parent":"P5","child":"A5"}
3  p6-a6   unit.assembled     {"parent":"P6","child":"A6"}
4  pk-bx1  packed             {"container":"BX1","items":["P1","P2"]}
4  pk-bx2  packed             {"container":"BX2","items":["P3"]}
4  pk-bx3  packed             {"container":"BX3","items":["P4","P5"]}
5  pk-pl1  packed             {"container":"PL1","containerType":"pallet","items":["BX1","BX2"]}
6  sh-1    shipped            {"shipment":"SH1","customer":"CU1","items":["PL1"]}
7  sc-p6   unit.scrapped      {"unit":"P6","reason":"housing cracked"}
`

// report is a RecallReport in comparable form.
type report struct {
	Confirmed, Possible                                        []string
	ConfirmedCount, PossibleCount                              tracegraph.StatusCounts
	Products, WorkOrders, Boxes, Pallets, Shipments, Customers []string
}

func fmtRecallUnits(us []tracegraph.RecallUnit) []string {
	var out []string
	for _, u := range us {
		out = append(out, fmt.Sprintf("%s %s d%d %s", u.ID, u.Precision, u.Depth, u.Status))
	}
	slices.Sort(out)
	return out
}

func fmtRollup(es []tracegraph.RollupEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s %d/%d", e.ID, e.Confirmed, e.Possible))
	}
	slices.Sort(out)
	return out
}

func recall(t *testing.T, s tracegraph.Store, req tracegraph.RecallRequest) report {
	t.Helper()
	r, err := s.RecallImpact(bg, req)
	if err != nil {
		t.Fatalf("RecallImpact(%v) error: %v", req.Suspects, err)
	}
	for _, u := range r.Confirmed {
		if u.Precision != tracegraph.PrecisionExact {
			t.Errorf("RecallImpact(%v): confirmed %s is %s", req.Suspects, u.ID, u.Precision)
		}
	}
	for _, u := range r.Possible {
		if u.Precision == tracegraph.PrecisionExact || u.Precision == tracegraph.PrecisionUnknown {
			t.Errorf("RecallImpact(%v): possible %s is %q", req.Suspects, u.ID, u.Precision)
		}
	}
	sum := func(c tracegraph.StatusCounts) int { return c.Shipped + c.InHouse + c.Scrapped }
	if sum(r.ConfirmedCount) != len(r.Confirmed) || sum(r.PossibleCount) != len(r.Possible) {
		t.Errorf("RecallImpact(%v) counts %+v %+v do not add up to %d confirmed and %d possible units",
			req.Suspects, r.ConfirmedCount, r.PossibleCount, len(r.Confirmed), len(r.Possible))
	}
	return report{
		Confirmed: fmtRecallUnits(r.Confirmed), Possible: fmtRecallUnits(r.Possible),
		ConfirmedCount: r.ConfirmedCount, PossibleCount: r.PossibleCount,
		Products: fmtRollup(r.Products), WorkOrders: fmtRollup(r.WorkOrders), Boxes: fmtRollup(r.Boxes),
		Pallets: fmtRollup(r.Pallets), Shipments: fmtRollup(r.Shipments), Customers: fmtRollup(r.Customers),
	}
}

func checkReport(t *testing.T, what string, got, want report) {
	t.Helper()
	check := func(field string, g, w []string) {
		if !slices.Equal(g, w) {
			t.Errorf("RecallImpact(%s).%s =\n%s\nwant\n%s", what, field, lines(g), lines(w))
		}
	}
	check("Confirmed", got.Confirmed, want.Confirmed)
	check("Possible", got.Possible, want.Possible)
	if got.ConfirmedCount != want.ConfirmedCount {
		t.Errorf("RecallImpact(%s).ConfirmedCount = %+v, want %+v", what, got.ConfirmedCount, want.ConfirmedCount)
	}
	if got.PossibleCount != want.PossibleCount {
		t.Errorf("RecallImpact(%s).PossibleCount = %+v, want %+v", what, got.PossibleCount, want.PossibleCount)
	}
	check("Products", got.Products, want.Products)
	check("WorkOrders", got.WorkOrders, want.WorkOrders)
	check("Boxes", got.Boxes, want.Boxes)
	check("Pallets", got.Pallets, want.Pallets)
	check("Shipments", got.Shipments, want.Shipments)
	check("Customers", got.Customers, want.Customers)
}

// testRecall: a small factory with known answers. Rollup entries count the
// affected units under them at any depth (a product counts itself and its
// affected sub-assemblies), split into confirmed and possible.
func testRecall(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, recallFixture)
	tests := []struct {
		name     string
		suspects []string
		want     report
	}{
		{"wafer", []string{"WaferBatch:W1"}, report{
			Confirmed: []string{
				"Unit:A1 EXACT d2 SHIPPED", "Unit:A2 EXACT d2 SHIPPED", "Unit:A6 EXACT d2 SCRAPPED",
				"Unit:P1 EXACT d3 SHIPPED", "Unit:P2 EXACT d3 SHIPPED", "Unit:P6 EXACT d3 SCRAPPED"},
			Possible: []string{
				"Unit:A3 CANDIDATE d2 SHIPPED", "Unit:A4 ORDER d2 COMPLETED",
				"Unit:P3 CANDIDATE d3 SHIPPED", "Unit:P4 ORDER d3 COMPLETED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 4, Scrapped: 2},
			PossibleCount:  tracegraph.StatusCounts{Shipped: 2, InHouse: 2},
			Products:       []string{"Unit:P1 2/0", "Unit:P2 2/0", "Unit:P3 0/2", "Unit:P4 0/2", "Unit:P6 2/0"},
			WorkOrders:     []string{"WorkOrder:WO-A 3/2", "WorkOrder:WO-P 3/2"},
			Boxes:          []string{"Box:BX1 4/0", "Box:BX2 0/2", "Box:BX3 0/2"},
			Pallets:        []string{"Pallet:PL1 4/2"},
			Shipments:      []string{"Shipment:SH1 4/2"},
			Customers:      []string{"Customer:CU1 4/2"},
		}},
		{"lot", []string{"MaterialLot:L1"}, report{
			Confirmed: []string{
				"Unit:A1 EXACT d1 SHIPPED", "Unit:A2 EXACT d1 SHIPPED", "Unit:A6 EXACT d1 SCRAPPED",
				"Unit:P1 EXACT d2 SHIPPED", "Unit:P2 EXACT d2 SHIPPED", "Unit:P6 EXACT d2 SCRAPPED"},
			Possible:       []string{"Unit:A3 CANDIDATE d1 SHIPPED", "Unit:P3 CANDIDATE d2 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 4, Scrapped: 2},
			PossibleCount:  tracegraph.StatusCounts{Shipped: 2},
			Products:       []string{"Unit:P1 2/0", "Unit:P2 2/0", "Unit:P3 0/2", "Unit:P6 2/0"},
			WorkOrders:     []string{"WorkOrder:WO-A 3/1", "WorkOrder:WO-P 3/1"},
			Boxes:          []string{"Box:BX1 4/0", "Box:BX2 0/2"},
			Pallets:        []string{"Pallet:PL1 4/2"},
			Shipments:      []string{"Shipment:SH1 4/2"},
			Customers:      []string{"Customer:CU1 4/2"},
		}},
		{"unrelated lot", []string{"MaterialLot:L9"}, report{
			Confirmed:      []string{"Unit:A5 EXACT d1 COMPLETED", "Unit:P5 EXACT d2 COMPLETED"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 2},
			Products:       []string{"Unit:P5 2/0"},
			WorkOrders:     []string{"WorkOrder:WO-A 1/0", "WorkOrder:WO-P 1/0"},
			Boxes:          []string{"Box:BX3 2/0"},
		}},
		{"two lots", []string{"MaterialLot:L2", "MaterialLot:L9"}, report{
			Confirmed:      []string{"Unit:A5 EXACT d1 COMPLETED", "Unit:P5 EXACT d2 COMPLETED"},
			Possible:       []string{"Unit:A4 ORDER d1 COMPLETED", "Unit:P4 ORDER d2 COMPLETED"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 2},
			PossibleCount:  tracegraph.StatusCounts{InHouse: 2},
			Products:       []string{"Unit:P4 0/2", "Unit:P5 2/0"},
			WorkOrders:     []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P 1/1"},
			Boxes:          []string{"Box:BX3 2/2"},
		}},
		{"a unit", []string{"Unit:A3"}, report{
			Confirmed:      []string{"Unit:A3 EXACT d0 SHIPPED", "Unit:P3 EXACT d1 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 2},
			Products:       []string{"Unit:P3 2/0"},
			WorkOrders:     []string{"WorkOrder:WO-A 1/0", "WorkOrder:WO-P 1/0"},
			Boxes:          []string{"Box:BX2 2/0"},
			Pallets:        []string{"Pallet:PL1 2/0"},
			Shipments:      []string{"Shipment:SH1 2/0"},
			Customers:      []string{"Customer:CU1 2/0"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkReport(t, fmt.Sprint(tt.suspects), recall(t, s, tracegraph.RecallRequest{Suspects: ids(tt.suspects...)}), tt.want)
		})
	}
	t.Run("before shipping", func(t *testing.T) {
		got := recall(t, s, tracegraph.RecallRequest{Suspects: ids("MaterialLot:L1"), AsOf: At(5)})
		// The structure and the statuses are those of minute 5: packed,
		// not shipped; P6 not yet scrapped.
		want := report{
			Confirmed: []string{
				"Unit:A1 EXACT d1 COMPLETED", "Unit:A2 EXACT d1 COMPLETED", "Unit:A6 EXACT d1 WIP",
				"Unit:P1 EXACT d2 COMPLETED", "Unit:P2 EXACT d2 COMPLETED", "Unit:P6 EXACT d2 WIP"},
			Possible:       []string{"Unit:A3 CANDIDATE d1 COMPLETED", "Unit:P3 CANDIDATE d2 COMPLETED"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 6},
			PossibleCount:  tracegraph.StatusCounts{InHouse: 2},
			Products:       []string{"Unit:P1 2/0", "Unit:P2 2/0", "Unit:P3 0/2", "Unit:P6 2/0"},
			WorkOrders:     []string{"WorkOrder:WO-A 3/1", "WorkOrder:WO-P 3/1"},
			Boxes:          []string{"Box:BX1 4/0", "Box:BX2 0/2"},
			Pallets:        []string{"Pallet:PL1 4/2"},
		}
		checkReport(t, "[L1] asOf m5", got, want)
	})
	t.Run("missing suspect", func(t *testing.T) {
		_, err := s.RecallImpact(bg, tracegraph.RecallRequest{Suspects: ids("MaterialLot:NOPE")})
		wantCode(t, "RecallImpact(MaterialLot:NOPE)", err, tracegraph.CodeNotFound)
	})
}

const recallReworkFixture = `
0   rcv-l1  lot.received       {"lot":"L1","partNumber":"IC-5"}
1   mk-a1   unit.created       {"serial":"A1","partNumber":"PCBA-1"}
1   mk-a2   unit.created       {"serial":"A2","partNumber":"PCBA-1"}
1   mk-p1   unit.created       {"serial":"P1","partNumber":"PRD-1"}
1   mk-p7   unit.created       {"serial":"P7","partNumber":"PRD-1"}
2   a1-l1   material.consumed  {"unit":"A1","lot":"L1"}
3   p1-a1   unit.assembled     {"parent":"P1","child":"A1"}
10  p1-rm   component.removed  {"parent":"P1","child":"A1","reason":"no boot"}
11  p7-a1   unit.assembled     {"parent":"P7","child":"A1"}
12  p1-a2   unit.assembled     {"parent":"P1","child":"A2"}
`

// testRecallRework: a board swapped out of a product takes the product out of
// the recall now, but not in history or at a moment before the swap.
func testRecallRework(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, recallReworkFixture)
	tests := []struct {
		name     string
		asOf     time.Time
		history  bool
		affected []string
		products []string
	}{
		{"now", time.Time{}, false, []string{"Unit:A1", "Unit:P7"}, []string{"Unit:P7"}},
		{"history", time.Time{}, true, []string{"Unit:A1", "Unit:P1", "Unit:P7"}, []string{"Unit:P1", "Unit:P7"}},
		{"before the swap", At(5), false, []string{"Unit:A1", "Unit:P1"}, []string{"Unit:P1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.RecallImpact(bg, tracegraph.RecallRequest{Suspects: ids("MaterialLot:L1"), AsOf: tt.asOf, History: tt.history})
			if err != nil {
				t.Fatalf("RecallImpact(L1) error: %v", err)
			}
			var affected, products []string
			for _, u := range append(r.Confirmed, r.Possible...) {
				affected = append(affected, string(u.ID))
			}
			for _, p := range r.Products {
				products = append(products, string(p.ID))
			}
			slices.Sort(affected)
			slices.Sort(products)
			if !slices.Equal(affected, tt.affected) || !slices.Equal(products, tt.products) {
				t.Errorf("RecallImpact(L1 %s) = units %v products %v, want %v %v", tt.name, affected, products, tt.affected, tt.products)
			}
			if len(r.Possible) != 0 {
				t.Errorf("RecallImpact(L1 %s).Possible = %v, want none", tt.name, r.Possible)
			}
		})
	}
}
