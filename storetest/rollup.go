package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// rollupTimeFixture: board A1 (L1, exact) is taken out of product P1 at
// minute 5, before P1 is packed at 8, and goes into P3 at 12, which stays
// in the house. Board A2 (L1, a splice window) stays in P2. P1 and P2 are
// packed in BX1 at 8, put on pallet PL1 at 9 and shipped to CU1 at 10.
const rollupTimeFixture = `
0   rcv-l1  lot.received       {"lot":"L1","partNumber":"IC-5"}
1   mk-a1   unit.created       {"serial":"A1","partNumber":"PCBA-1","workOrder":"WO-A"}
1   mk-a2   unit.created       {"serial":"A2","partNumber":"PCBA-1","workOrder":"WO-A"}
1   mk-p1   unit.created       {"serial":"P1","partNumber":"PRD-1","workOrder":"WO-P"}
1   mk-p2   unit.created       {"serial":"P2","partNumber":"PRD-1","workOrder":"WO-P"}
1   mk-p3   unit.created       {"serial":"P3","partNumber":"PRD-1","workOrder":"WO-P"}
2   a1-l1   material.consumed  {"unit":"A1","lot":"L1"}
2   a2-l1   material.consumed  {"unit":"A2","lot":"L1","precision":"CANDIDATE"}
3   p1-a1   unit.assembled     {"parent":"P1","child":"A1"}
3   p2-a2   unit.assembled     {"parent":"P2","child":"A2"}
5   p1-rm   component.removed  {"parent":"P1","child":"A1","reason":"no boot"}
8   pk-bx1  packed             {"container":"BX1","items":["P1","P2"]}
9   pk-pl1  packed             {"container":"PL1","containerType":"pallet","items":["BX1"]}
10  sh-1    shipped            {"shipment":"SH1","customer":"CU1","items":["PL1"]}
12  p3-a1   unit.assembled     {"parent":"P3","child":"A1"}
`

// testRollupTime: rollups count a unit under a container only while the
// unit was inside it, with history and as of a moment; statuses as of a
// moment are those of that moment.
func testRollupTime(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, rollupTimeFixture)
	l1 := ids("MaterialLot:L1")
	tests := []struct {
		name string
		req  tracegraph.RecallRequest
		want report
	}{
		// A1 was in P1 only before P1 was packed: not in BX1, PL1, SH1 or
		// CU1; P1 and P3 are its products.
		{"history", tracegraph.RecallRequest{Suspects: l1, History: true}, report{
			Confirmed:      []string{"Unit:A1 EXACT d1 WIP", "Unit:P1 EXACT d2 SHIPPED", "Unit:P3 EXACT d2 WIP"},
			Possible:       []string{"Unit:A2 CANDIDATE d1 SHIPPED", "Unit:P2 CANDIDATE d2 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 1, InHouse: 2},
			PossibleCount:  tracegraph.StatusCounts{Shipped: 2},
			Products:       []string{"Unit:P1 2/0", "Unit:P2 0/2", "Unit:P3 2/0"},
			WorkOrders:     []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P 2/1"},
			Boxes:          []string{"Box:BX1 1/2"},
			Pallets:        []string{"Pallet:PL1 1/2"},
			Shipments:      []string{"Shipment:SH1 1/2"},
			Customers:      []string{"Customer:CU1 1/2"},
		}},
		{"now", tracegraph.RecallRequest{Suspects: l1}, report{
			Confirmed:      []string{"Unit:A1 EXACT d1 WIP", "Unit:P3 EXACT d2 WIP"},
			Possible:       []string{"Unit:A2 CANDIDATE d1 SHIPPED", "Unit:P2 CANDIDATE d2 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 2},
			PossibleCount:  tracegraph.StatusCounts{Shipped: 2},
			Products:       []string{"Unit:P2 0/2", "Unit:P3 2/0"},
			WorkOrders:     []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P 1/1"},
			Boxes:          []string{"Box:BX1 0/2"},
			Pallets:        []string{"Pallet:PL1 0/2"},
			Shipments:      []string{"Shipment:SH1 0/2"},
			Customers:      []string{"Customer:CU1 0/2"},
		}},
		{"as of minute 4", tracegraph.RecallRequest{Suspects: l1, AsOf: At(4)}, report{
			Confirmed:      []string{"Unit:A1 EXACT d1 WIP", "Unit:P1 EXACT d2 WIP"},
			Possible:       []string{"Unit:A2 CANDIDATE d1 WIP", "Unit:P2 CANDIDATE d2 WIP"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 2},
			PossibleCount:  tracegraph.StatusCounts{InHouse: 2},
			Products:       []string{"Unit:P1 2/0", "Unit:P2 0/2"},
			WorkOrders:     []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P 1/1"},
		}},
		// Packed and on the pallet, not shipped yet: nothing has shipped.
		{"as of minute 9", tracegraph.RecallRequest{Suspects: l1, AsOf: At(9)}, report{
			Confirmed:      []string{"Unit:A1 EXACT d1 WIP"},
			Possible:       []string{"Unit:A2 CANDIDATE d1 COMPLETED", "Unit:P2 CANDIDATE d2 COMPLETED"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 1},
			PossibleCount:  tracegraph.StatusCounts{InHouse: 2},
			Products:       []string{"Unit:A1 1/0", "Unit:P2 0/2"},
			WorkOrders:     []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P 0/1"},
			Boxes:          []string{"Box:BX1 0/2"},
			Pallets:        []string{"Pallet:PL1 0/2"},
		}},
		{"as of minute 10", tracegraph.RecallRequest{Suspects: l1, AsOf: At(10)}, report{
			Confirmed:      []string{"Unit:A1 EXACT d1 WIP"},
			Possible:       []string{"Unit:A2 CANDIDATE d1 SHIPPED", "Unit:P2 CANDIDATE d2 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 1},
			PossibleCount:  tracegraph.StatusCounts{Shipped: 2},
			Products:       []string{"Unit:A1 1/0", "Unit:P2 0/2"},
			WorkOrders:     []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P 0/1"},
			Boxes:          []string{"Box:BX1 0/2"},
			Pallets:        []string{"Pallet:PL1 0/2"},
			Shipments:      []string{"Shipment:SH1 0/2"},
			Customers:      []string{"Customer:CU1 0/2"},
		}},
	}
	for _, tt := range tests {
		t.Run("recall "+tt.name, func(t *testing.T) {
			checkReport(t, fmt.Sprintf("L1 %s", tt.name), recall(t, s, tt.req), tt.want)
			var units []tracegraph.RecallUnit
			err := s.RecallUnits(bg, tt.req, func(u tracegraph.RecallUnit) error { units = append(units, u); return nil })
			want := append(slices.Clone(tt.want.Confirmed), tt.want.Possible...)
			slices.Sort(want)
			if got := fmtRecallUnits(units); err != nil || !slices.Equal(got, want) {
				t.Errorf("RecallUnits(L1 %s) = %v, %v; want %v", tt.name, got, err, want)
			}
		})
	}
	ic5 := tracegraph.MaterialFilter{PartNumber: "IC-5"}
	wus := []struct {
		name string
		req  tracegraph.WhereUsedRequest
		want whereUsed
	}{
		{"history", tracegraph.WhereUsedRequest{Material: ic5, History: true}, whereUsed{
			Material:       1,
			Units:          []string{"Unit:A1 EXACT d1 WIP", "Unit:A2 CANDIDATE d1 SHIPPED", "Unit:P1 EXACT d2 SHIPPED", "Unit:P2 CANDIDATE d2 SHIPPED", "Unit:P3 EXACT d2 WIP"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 1, InHouse: 2}, PossibleCount: tracegraph.StatusCounts{Shipped: 2},
			Products: []string{"PRD-1 2/1"}, ProductUnits: 3,
			WorkOrders: []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P 2/1"},
			Customers:  []string{"Customer:CU1 1/2"},
		}},
		// A1 never left: only the units that were inside the shipment.
		{"history, shipped", tracegraph.WhereUsedRequest{Material: ic5, History: true, ShippedFrom: At(0)}, whereUsed{
			Material:       1,
			Units:          []string{"Unit:A2 CANDIDATE d1 SHIPPED", "Unit:P1 EXACT d2 SHIPPED", "Unit:P2 CANDIDATE d2 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 1}, PossibleCount: tracegraph.StatusCounts{Shipped: 2},
			Products: []string{"PRD-1 1/1"}, ProductUnits: 2,
			WorkOrders: []string{"WorkOrder:WO-A 0/1", "WorkOrder:WO-P 1/1"},
			Customers:  []string{"Customer:CU1 1/2"},
		}},
		{"as of minute 9", tracegraph.WhereUsedRequest{Material: ic5, AsOf: At(9)}, whereUsed{
			Material:       1,
			Units:          []string{"Unit:A1 EXACT d1 WIP", "Unit:A2 CANDIDATE d1 COMPLETED", "Unit:P2 CANDIDATE d2 COMPLETED"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 1}, PossibleCount: tracegraph.StatusCounts{InHouse: 2},
			Products: []string{"PCBA-1 1/0", "PRD-1 0/1"}, ProductUnits: 2,
			WorkOrders: []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P 0/1"},
		}},
	}
	for _, tt := range wus {
		t.Run("where used "+tt.name, func(t *testing.T) {
			if got := whereUsedAll(t, s, tt.req, 100); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("WhereUsed(%s) =\n\t%+v\nwant\n\t%+v", tt.name, got, tt.want)
			}
		})
	}
}
