package tracegraph

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// The public product page: what the GS1 Digital Link resolver shows anyone
// who scans a unit. It is built from public product facts only — the
// product's definition (name, description, revision, links), the unit's
// serial, revision, day of manufacture and firmware version, and the recall
// notices that were made public — and never from the genealogy's other
// facts (parts, material, suppliers, stations, operators, work orders,
// customers, shipments, holds, measurements). PublicUnit copies the few
// fields it needs into a PublicPage, so that a template cannot reach
// anything else.

// PublicLink is a link of the product the page offers: a GS1 link type
// (gs1:pip, gs1:support, …), its URL and title.
type PublicLink struct {
	Type  string `json:"type"`
	Href  string `json:"href"`
	Title string `json:"title,omitempty"`
}

// PublicProduct is a product's public definition.
type PublicProduct struct {
	PartNumber  string       `json:"partNumber"`
	GTIN        string       `json:"gtin,omitempty"`
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Revision    string       `json:"revision,omitempty"`
	Links       []PublicLink `json:"links,omitempty"`
}

// Link returns the first link of this type, if any.
func (p *PublicProduct) Link(typ string) (PublicLink, bool) {
	if p == nil {
		return PublicLink{}, false
	}
	i := slices.IndexFunc(p.Links, func(l PublicLink) bool { return l.Type == typ })
	if i < 0 {
		return PublicLink{}, false
	}
	return p.Links[i], true
}

// PublicPage is everything the public page of a unit shows.
type PublicPage struct {
	Product *PublicProduct `json:"product"`
	// Serial is the unit's serial; zero for a product page without one.
	Serial string `json:"serial,omitempty"`
	// Lot is set on the page of a lot (a unit label's (10): its work
	// order) asked for without a serial; its Recalls are those that reach
	// some or all of the lot's units.
	Lot string `json:"lot,omitempty"`
	// Revision is the unit's revision (R-state), else the product's.
	Revision string `json:"revision,omitempty"`
	// Manufactured is the day the unit was made (UTC; zero when unknown).
	Manufactured time.Time `json:"manufactured,omitzero"`
	// Firmware is the firmware version its last test with firmware found.
	Firmware string `json:"firmware,omitempty"`
	// Recalls are the public recall notices that reach the unit.
	Recalls []RecallNotice `json:"recalls"`
	// Container is set on the page of an SSCC instead of Product.
	Container *PublicContainerInfo `json:"container,omitempty"`
}

// PublicContainerInfo is what the page of an SSCC says: what is printed on
// its label.
type PublicContainerInfo struct {
	Kind     string `json:"kind"` // "Box" or "Pallet"
	SSCC     string `json:"sscc"`
	Contents string `json:"contents"` // "40 boxes"
}

// PublicProductOf returns the public definition of a part number's product, nil
// when none is defined.
func PublicProductOf(ctx context.Context, g Graph, partNumber string) (*PublicProduct, error) {
	if partNumber == "" {
		return nil, nil
	}
	n, err := g.Node(ctx, NewID(LabelProduct, partNumber))
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &PublicProduct{PartNumber: partNumber, GTIN: n.Str("gtin"), Name: n.Str("name"), Description: n.Str("description"),
		Revision: n.Str("revision")}
	links, _ := n.Props["links"].([]any)
	for _, l := range links {
		m, _ := l.(map[string]any)
		typ, _ := m["type"].(string)
		href, _ := m["href"].(string)
		title, _ := m["title"].(string)
		if typ != "" && href != "" {
			p.Links = append(p.Links, PublicLink{Type: typ, Href: href, Title: title})
		}
	}
	return p, nil
}

// PublicUnit returns the public page of the unit with this serial, which
// must carry gtin (its product's GTIN, or its own GTIN identifier).
// NOT_FOUND when no unit has this serial or it is not of that GTIN: a
// resolver shows nothing of other products.
func PublicUnit(ctx context.Context, store Store, gtin, serial string) (*PublicPage, error) {
	if !ValidGTIN(gtin) {
		return nil, Errorf(CodeInvalid, "gtin", "%q is not a GTIN with a valid check digit", clip(gtin))
	}
	gtin = GTIN14(gtin)
	if err := CheckKey(serial); err != nil {
		return nil, Errorf(CodeNotFound, "serial", "no unit %q of GTIN %s", clip(serial), gtin)
	}
	u, err := store.Node(ctx, NewID(LabelUnit, serial))
	if err != nil {
		if IsNotFound(err) {
			return nil, Errorf(CodeNotFound, "serial", "no unit %q of GTIN %s", clip(serial), gtin)
		}
		return nil, err
	}
	prod, err := PublicProductOf(ctx, store, u.Str("partNumber"))
	if err != nil {
		return nil, err
	}
	own, _ := unitGTIN(ctx, u, nil)
	if (prod == nil || prod.GTIN != gtin) && own != gtin {
		return nil, Errorf(CodeNotFound, "serial", "no unit %q of GTIN %s", clip(serial), gtin)
	}
	if prod == nil {
		prod = &PublicProduct{PartNumber: u.Str("partNumber"), GTIN: gtin, Name: u.Str("partNumber")}
	}
	p := &PublicPage{Product: prod, Serial: u.Key(), Revision: u.Str("revision")}
	if p.Revision == "" {
		p.Revision = prod.Revision
	}
	if t := u.Time("createdAt"); !t.IsZero() {
		p.Manufactured = t.UTC().Truncate(24 * time.Hour)
	}
	if p.Firmware, err = lastFirmware(ctx, store, u.ID); err != nil {
		return nil, err
	}
	if p.Recalls, err = PublicRecalls(ctx, store, u.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// PublicProductPage returns the public page of a GTIN without a serial:
// the product's definition. NOT_FOUND when no product has the GTIN.
func PublicProductPage(ctx context.Context, store Store, gtin string) (*PublicPage, error) {
	if !ValidGTIN(gtin) {
		return nil, Errorf(CodeInvalid, "gtin", "%q is not a GTIN with a valid check digit", clip(gtin))
	}
	gtin = GTIN14(gtin)
	owners, err := store.Lookup(ctx, gtin)
	if err != nil {
		return nil, err
	}
	for _, n := range owners {
		if n.Label == LabelProduct && n.Str("gtin") == gtin {
			prod, err := PublicProductOf(ctx, store, n.Key())
			if err != nil {
				return nil, err
			}
			return &PublicPage{Product: prod, Revision: prod.Revision, Recalls: []RecallNotice{}}, nil
		}
	}
	return nil, Errorf(CodeNotFound, "gtin", "no product has GTIN %s", gtin)
}

// PublicLot returns the page of a product's lot asked for without a
// serial, as a Digital Link /01/{gtin}/10/{lot} is: the product's
// definition, the lot, and the published recall notices that reach any unit
// of the lot. The lot of a unit is its work order, as its label's (10) says.
// NOT_FOUND when no product has the GTIN or the lot is not one of that
// product's: a lot page vouches for the lot it names.
func PublicLot(ctx context.Context, store Store, gtin, lot string) (*PublicPage, error) {
	page, err := PublicProductPage(ctx, store, gtin)
	if err != nil {
		return nil, err
	}
	notFound := Errorf(CodeNotFound, "lot", "no lot %q of GTIN %s", clip(lot), page.Product.GTIN)
	if CheckKey(lot) != nil {
		return nil, notFound
	}
	wo, err := store.Node(ctx, NewID(LabelWorkOrder, lot))
	if IsNotFound(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if wo.Str("partNumber") != page.Product.PartNumber {
		return nil, notFound
	}
	edges, err := store.Edges(ctx, []ID{wo.ID}, EdgeQuery{Direction: Downstream, Types: []EdgeType{EdgeForOrder}})
	if err != nil {
		return nil, fmt.Errorf("units of %s: %w", wo.ID, err)
	}
	units := make([]ID, 0, len(edges[0]))
	for _, e := range edges[0] {
		units = append(units, e.Source)
	}
	page.Lot = wo.Key()
	if page.Recalls, err = publicNotices(ctx, store, units); err != nil {
		return nil, err
	}
	return page, nil
}

// lastFirmware returns the firmware version of the unit's latest test that
// recorded one ("" when none did).
func lastFirmware(ctx context.Context, g Graph, unit ID) (string, error) {
	edges, err := g.Edges(ctx, []ID{unit}, EdgeQuery{Direction: Upstream, Types: []EdgeType{EdgeTestedBy}})
	if err != nil {
		return "", fmt.Errorf("tests of %s: %w", unit, err)
	}
	ids := make([]ID, 0, len(edges[0]))
	for _, e := range edges[0] {
		ids = append(ids, e.Target)
	}
	runs, err := g.Nodes(ctx, ids)
	if err != nil {
		return "", fmt.Errorf("tests of %s: %w", unit, err)
	}
	var version string
	var at time.Time
	for _, r := range runs {
		if r == nil {
			continue
		}
		fw, _ := r.Props["firmware"].(map[string]any)
		v, _ := fw["version"].(string)
		if t := r.Time("at"); v != "" && !t.Before(at) {
			version, at = v, t
		}
	}
	return version, nil
}

// PublicContainer returns the page of the box or pallet with this SSCC:
// what its label says. NOT_FOUND when no container has it.
func PublicContainer(ctx context.Context, store Store, sscc string) (*PublicPage, error) {
	if !ValidSSCC(sscc) {
		return nil, Errorf(CodeInvalid, "sscc", "%q is not an SSCC with a valid check digit", clip(sscc))
	}
	nodes, err := store.Lookup(ctx, "(00)"+sscc)
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if n.Label != LabelBox && n.Label != LabelPallet {
			continue
		}
		l, err := containerLabel(ctx, store, n)
		if err != nil {
			return nil, err
		}
		return &PublicPage{Recalls: []RecallNotice{}, Container: &PublicContainerInfo{Kind: string(n.Label), SSCC: sscc,
			Contents: l.Lines[len(l.Lines)-1].Value}}, nil
	}
	return nil, Errorf(CodeNotFound, "sscc", "no box or pallet has SSCC %s", sscc)
}
