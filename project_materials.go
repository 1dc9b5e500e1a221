// The rules of incoming material: wafer batches, lots and serialized components.

package tracegraph

import (
	"maps"
)

func (tx *Tx) waferRegistered(d *WaferRegistered) error {
	if err := tx.mustBeNew("waferBatch", NewID(LabelWaferBatch, d.WaferBatch)); err != nil {
		return err
	}
	props := map[string]any{"waferBatch": d.WaferBatch, "registeredAt": ts(tx.now())}
	setStr(props, "manufacturer", d.Manufacturer)
	setStr(props, "fab", d.Fab)
	if d.WaferCount > 0 {
		props["waferCount"] = float64(d.WaferCount)
	}
	tx.newNode(LabelWaferBatch, d.WaferBatch, props)
	return nil
}

// materialLinks adds DERIVED_FROM and SUPPLIED_BY edges for new material and
// passes on the holds of what it derives from.
func (tx *Tx) materialLinks(id ID, derivedFrom []string, supplier string) error {
	for i, ref := range derivedFrom {
		src, err := tx.resolve(indexed("derivedFrom", i), ref, LabelMaterialLot, LabelWaferBatch)
		if err != nil {
			return err
		}
		if err := tx.addEdgeErr(EdgeDerivedFrom, id, src.ID, PrecisionExact, nil); err != nil {
			return err
		}
		for _, h := range src.Holds {
			if err := tx.addHold(id, h); err != nil {
				return err
			}
		}
	}
	if supplier != "" {
		sup, err := tx.ensureNode(LabelSupplier, supplier, "supplier", supplier)
		if err != nil {
			return err
		}
		return tx.addEdgeErr(EdgeSuppliedBy, id, sup, PrecisionExact, nil)
	}
	return nil
}

func (tx *Tx) lotReceived(d *LotReceived) error {
	id := NewID(LabelMaterialLot, d.Lot)
	if err := tx.mustBeNew("lot", id); err != nil {
		return err
	}
	// Made for all its props: a map made for eight that takes a ninth
	// moves them all to a larger one.
	n := 3 + nonEmpty(d.MPN, d.Manufacturer, d.Supplier, d.DateCode, d.CountryOfOrigin, d.MSL) +
		trues(d.Quantity != nil, d.ExpiresAt != nil, d.FloorLifeHours != nil) + 3*trues(d.OpenedAt != nil)
	props := make(map[string]any, n)
	props["lot"], props["partNumber"], props["receivedAt"] = d.Lot, d.PartNumber, ts(tx.now())
	setStr(props, "mpn", d.MPN)
	setStr(props, "manufacturer", d.Manufacturer)
	setStr(props, "supplier", d.Supplier)
	setStr(props, "dateCode", d.DateCode)
	setStr(props, "countryOfOrigin", d.CountryOfOrigin)
	setStr(props, "msl", d.MSL)
	if d.Quantity != nil {
		props["quantity"] = *d.Quantity
	}
	if d.ExpiresAt != nil {
		props["expiresAt"] = ts(*d.ExpiresAt)
	}
	if d.FloorLifeHours != nil {
		props["floorLifeHours"] = *d.FloorLifeHours
	}
	if d.OpenedAt != nil {
		// Opened before receipt: the floor life counts from then.
		props["openedAt"] = ts(*d.OpenedAt)
		props["floorSince"], props["floorSinceBy"] = ts(*d.OpenedAt), tx.ev.ID
	}
	tx.newNode(LabelMaterialLot, d.Lot, props)
	return tx.materialLinks(id, d.DerivedFrom, d.Supplier)
}

func (tx *Tx) componentReceived(d *ComponentReceived) error {
	for i, s := range d.Serials {
		// The field is named only for a refusal.
		id := NewID(LabelComponent, s)
		n, err := tx.existsView(id)
		if err != nil {
			return err
		}
		if n != nil {
			return existing(indexed("serials", i), id, n)
		}
	}
	// The props every serial's node has in common, each boxed once for
	// all of them (props are never changed in place).
	common := map[string]any{"partNumber": d.PartNumber, "receivedAt": ts(tx.now())}
	setStr(common, "mpn", d.MPN)
	setStr(common, "manufacturer", d.Manufacturer)
	setStr(common, "supplier", d.Supplier)
	setStr(common, "dateCode", d.DateCode)
	setStr(common, "lot", d.Lot)
	for i, s := range d.Serials {
		props := common
		if i < len(d.Serials)-1 {
			props = maps.Clone(common)
		}
		props["serial"] = s
		n := tx.newNode(LabelComponent, s, props)
		if err := tx.materialLinks(n.ID, d.DerivedFrom, d.Supplier); err != nil {
			return err
		}
	}
	return nil
}
