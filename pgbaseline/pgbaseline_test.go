package pgbaseline_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// compareUnits is the size of the factory the comparison test generates:
// enough for boxes, pallets, shipments, rework, scrap and splices.
const compareUnits = 8000

// TestMatchesEmbedded loads a generated factory into the embedded store and
// into PostgreSQL and checks that Genealogy and Recall answer what the
// store's Trace and RecallImpact answer.
func TestMatchesEmbedded(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	f, err := newFixture(ctx, compareUnits, 7)
	if err != nil {
		t.Fatalf("newFixture: %v", err)
	}
	defer f.close()
	db, took, err := openLoaded(ctx, dsn, f)
	if err != nil {
		t.Fatalf("load into postgres: %v", err)
	}
	defer db.Close()
	t.Logf("%d units, %d events: embedded import %s, postgres load %s", compareUnits, f.sum.Events,
		f.load.Round(time.Millisecond), took.Round(time.Millisecond))
	facts := f.sum.Facts
	if facts.WaferBatch == "" || facts.SpliceUnit == "" || facts.OrderLot == "" || facts.Shipment == "" {
		t.Fatalf("the factory of %d units lacks the facts the test needs: %+v", compareUnits, facts)
	}

	t.Run("genealogy", func(t *testing.T) {
		starts := []tracegraph.ID{
			tracegraph.NewID(tracegraph.LabelUnit, facts.Product),
			tracegraph.NewID(tracegraph.LabelUnit, facts.ProductPCBA),
			tracegraph.NewID(tracegraph.LabelUnit, facts.SpliceUnit),
			tracegraph.NewID(tracegraph.LabelUnit, facts.ReworkedUnit),
			tracegraph.NewID(tracegraph.LabelUnit, facts.ScrappedUnit),
			tracegraph.NewID(tracegraph.LabelPallet, facts.Pallet),
			tracegraph.NewID(tracegraph.LabelShipment, facts.Shipment),
		}
		for i := 0; i < len(f.products); i += len(f.products)/10 + 1 {
			starts = append(starts, f.products[i])
		}
		starts = append(starts, f.products[len(f.products)-1], f.units[len(f.units)-1])
		for _, id := range starts {
			for _, depth := range []int{1, 3, 8, 0} {
				t.Run(fmt.Sprintf("%s/depth=%d", id, depth), func(t *testing.T) {
					want, err := f.trace(ctx, id, depth)
					if err != nil {
						t.Fatalf("Trace(%q, %d): %v", id, depth, err)
					}
					got, err := db.Genealogy(ctx, id, depth)
					if err != nil {
						t.Fatalf("Genealogy(%q, %d): %v", id, depth, err)
					}
					if len(got) != len(want.Nodes) {
						t.Errorf("Genealogy(%q, %d) has %d nodes, Trace has %d", id, depth, len(got), len(want.Nodes))
					}
					for i := range min(len(got), len(want.Nodes)) {
						g, w := got[i], want.Nodes[i]
						if g.ID != w.ID || g.Label != w.Label || g.Depth != w.Depth {
							t.Fatalf("Genealogy(%q, %d)[%d] = %+v, Trace has {%s %s %d}", id, depth, i, g, w.ID, w.Label, w.Depth)
						}
					}
				})
			}
		}
	})

	t.Run("genealogy of a missing node", func(t *testing.T) {
		_, err := db.Genealogy(ctx, "Unit:NO-SUCH-SERIAL", 8)
		var te *tracegraph.Error
		if !errors.As(err, &te) || te.Code != tracegraph.CodeNotFound {
			t.Errorf("Genealogy(missing) = %v, want NOT_FOUND", err)
		}
	})

	t.Run("recall", func(t *testing.T) {
		tests := []struct {
			name     string
			suspects []tracegraph.ID
			none     bool // reaches no unit
		}{
			{"wafer batch", []tracegraph.ID{tracegraph.NewID(tracegraph.LabelWaferBatch, facts.WaferBatch)}, false},
			{"splice lot 1", []tracegraph.ID{tracegraph.NewID(tracegraph.LabelMaterialLot, facts.SpliceLots[0])}, false},
			{"splice lot 2", []tracegraph.ID{tracegraph.NewID(tracegraph.LabelMaterialLot, facts.SpliceLots[1])}, false},
			{"order lot", []tracegraph.ID{tracegraph.NewID(tracegraph.LabelMaterialLot, facts.OrderLot)}, false},
			{"hold lot", []tracegraph.ID{tracegraph.NewID(tracegraph.LabelMaterialLot, facts.HoldLot)}, false},
			// removed by rework: no current link reaches a unit
			{"reworked child", []tracegraph.ID{tracegraph.ID(facts.ReworkedChild)}, true},
			{"reworked unit", []tracegraph.ID{tracegraph.NewID(tracegraph.LabelUnit, facts.ReworkedUnit)}, false},
			{"pcba", []tracegraph.ID{tracegraph.NewID(tracegraph.LabelUnit, facts.ProductPCBA)}, false},
			{"several", []tracegraph.ID{
				tracegraph.NewID(tracegraph.LabelWaferBatch, facts.WaferBatch),
				tracegraph.NewID(tracegraph.LabelMaterialLot, facts.SpliceLots[0]),
				tracegraph.NewID(tracegraph.LabelMaterialLot, facts.OrderLot),
			}, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				want, err := f.recall(ctx, tt.suspects)
				if err != nil {
					t.Fatalf("RecallImpact(%v): %v", tt.suspects, err)
				}
				got, err := db.Recall(ctx, tt.suspects)
				if err != nil {
					t.Fatalf("Recall(%v): %v", tt.suspects, err)
				}
				if reached := len(want.Confirmed)+len(want.Possible) > 0; reached == tt.none {
					t.Fatalf("RecallImpact(%v) reaches %d units, want none: %v", tt.suspects, len(want.Confirmed)+len(want.Possible), tt.none)
				}
				ids := func(us []tracegraph.RecallUnit) []tracegraph.ID {
					out := make([]tracegraph.ID, len(us))
					for i, u := range us {
						out[i] = u.ID
					}
					return out
				}
				for _, c := range []struct {
					what      string
					got, want any
				}{
					{"confirmed units", got.Confirmed, ids(want.Confirmed)},
					{"possible units", got.Possible, ids(want.Possible)},
					{"confirmed counts", got.ConfirmedCount, want.ConfirmedCount},
					{"possible counts", got.PossibleCount, want.PossibleCount},
					{"products", got.Products, want.Products},
					{"work orders", got.WorkOrders, want.WorkOrders},
					{"boxes", got.Boxes, want.Boxes},
					{"pallets", got.Pallets, want.Pallets},
					{"shipments", got.Shipments, want.Shipments},
					{"customers", got.Customers, want.Customers},
				} {
					if !reflect.DeepEqual(c.got, c.want) {
						t.Errorf("Recall(%v) %s = %v, RecallImpact has %v", tt.suspects, c.what, short(c.got), short(c.want))
					}
				}
				t.Logf("%d confirmed, %d possible units; %d products, %d boxes, %d pallets, %d shipments, %d customers",
					len(got.Confirmed), len(got.Possible), len(got.Products), len(got.Boxes), len(got.Pallets),
					len(got.Shipments), len(got.Customers))
			})
		}
	})
}

// short prints a value for a failure message, cut when long.
func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}
