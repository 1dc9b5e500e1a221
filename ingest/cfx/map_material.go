package cfx

import (
	"context"
	"fmt"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// The messages about material built into units and taken out of them.

// refDes returns the reference designators of cs, each once.
func refDes(cs []installedComponent) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		r := strings.TrimSpace(c.ReferenceDesignator)
		if r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// materialsInstalled: each installed material is consumption of its lot
// (material.consumed with the reference designators and quantity), or of
// a serialized component; a unit installed into another is assembly
// (unit.assembled, at the first reference designator). A package tracegraph
// does not know is registered as a lot of its InternalPartNumber first.
func (m *Mapper) materialsInstalled(ctx context.Context, b *builder) error {
	var body materialsInstalled
	if err := b.body(&body); err != nil {
		return err
	}
	for i, im := range body.InstalledMaterials {
		field := fmt.Sprintf("InstalledMaterials[%d]", i)
		unit, err := m.unit(field, im.unitRef)
		if err != nil {
			return err
		}
		mat, err := m.material(ctx, b, field+".Material", im.Material)
		if err != nil {
			return err
		}
		rds := refDes(im.InstalledComponents)
		idx := fmt.Sprint(i)
		switch mat.Label() {
		case tracegraph.LabelUnit:
			var pos string
			if len(rds) > 0 {
				pos = rds[0]
			}
			err = b.add(idx, tracegraph.EventUnitAssembled, &tracegraph.UnitAssembled{Parent: unit, Child: string(mat), Position: pos})
		case tracegraph.LabelComponent:
			err = b.add(idx, tracegraph.EventMaterialConsumed, &tracegraph.MaterialConsumed{Unit: unit, Component: string(mat), RefDes: rds})
		default:
			err = b.add(idx, tracegraph.EventMaterialConsumed, &tracegraph.MaterialConsumed{Unit: unit, Lot: string(mat), RefDes: rds, Quantity: im.QuantityInstalled})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// materialsUninstalled: a serialized component or sub-assembly taken off a
// unit is component.removed, with CFX's reason. Lot material has no edge
// that ends (tracegraph keeps that the unit was built with it): its
// removal is a process record (step "rework") naming the package (known
// or not), reference designators, quantity and reason; the replacement's
// MaterialsInstalled adds the new consumption.
func (m *Mapper) materialsUninstalled(ctx context.Context, b *builder) error {
	var body materialsUninstalled
	if err := b.body(&body); err != nil {
		return err
	}
	for i, um := range body.UninstalledMaterials {
		field := fmt.Sprintf("UninstalledMaterials[%d]", i)
		unit, err := m.unit(field, um.unitRef)
		if err != nil {
			return err
		}
		mat, _, err := m.known(ctx, b, field+".Material", um.Material)
		if err != nil {
			return err
		}
		reason := strings.TrimSpace(um.Reason)
		idx := fmt.Sprint(i)
		if l := mat.Label(); l == tracegraph.LabelUnit || l == tracegraph.LabelComponent {
			err = b.add(idx, tracegraph.EventComponentRemoved, &tracegraph.ComponentRemoved{Parent: unit, Child: string(mat), Reason: reason})
		} else {
			params := map[string]any{"removedLot": mat.Key()}
			setText(params, "reason", reason)
			setText(params, "refDes", strings.Join(refDes(um.UninstalledComponents), ","))
			setText(params, "transaction", body.TransactionID)
			if q := um.QuantityUninstalled; q != nil {
				params["quantity"] = *q
			}
			err = b.add(idx, tracegraph.EventProcessRecorded, &tracegraph.ProcessRecorded{Units: []string{unit}, Step: "rework", Parameters: params})
		}
		if err != nil {
			return err
		}
	}
	return nil
}
