// The rules of products: what a part number is.

package tracegraph

// productDefined creates or redefines the Product node keyed by the part
// number. A redefinition replaces every product fact (gtin, name,
// description, revision, links: a field left out is cleared); the node keeps
// its creating event and anything other event types keep on it (the serial
// number scheme and counter). A GTIN names at most one node: giving one that
// another product (or any node) holds is a CONFLICT; changing a product's
// GTIN frees the old one.
func (tx *Tx) productDefined(d *ProductDefined) error {
	id := ProductID(d.PartNumber)
	n, err := tx.exists(id)
	if err != nil {
		return err
	}
	if d.GTIN != "" {
		if err := tx.identifierFree("gtin", SchemeGTIN, d.GTIN, id); err != nil {
			return err
		}
	}
	if n == nil {
		n = &Node{ID: id, Label: LabelProduct, Props: map[string]any{}, CreatedBy: tx.ev.ID}
	}
	old := n.Str("gtin")
	// Every product fact is replaced: one left out is cleared.
	for _, k := range []string{"partNumber", "name", "gtin", "description", "revision", "links", "definedAt", "definedBy"} {
		delete(n.Props, k)
	}
	n.Props["partNumber"] = d.PartNumber
	n.Props["name"] = d.Name
	n.Props["definedAt"] = ts(tx.now())
	n.Props["definedBy"] = tx.ev.ID
	setStr(n.Props, "gtin", d.GTIN)
	setStr(n.Props, "description", d.Description)
	setStr(n.Props, "revision", d.Revision)
	if len(d.Links) > 0 {
		links := make([]any, len(d.Links))
		for i, l := range d.Links {
			m := map[string]any{"type": l.Type, "href": l.Href}
			setStr(m, "title", l.Title)
			links[i] = m
		}
		n.Props["links"] = links
	}
	tx.putNode(n)
	if old != "" && old != d.GTIN {
		tx.removeIdentifier(Identifier{Scheme: SchemeGTIN, Value: old, Node: id})
	}
	if d.GTIN != "" && old != d.GTIN {
		tx.addIdentifier(Identifier{Scheme: SchemeGTIN, Value: d.GTIN, Node: id})
	}
	return nil
}
