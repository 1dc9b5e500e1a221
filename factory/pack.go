package factory

import (
	"github.com/tracegraph/tracegraph"
)

// Packing sizes.
const (
	BoxSize    = 20 // finished products per box
	PalletSize = 40 // boxes per pallet
	maxShip    = 10 // most pallets per shipment
)

// gs1Prefix is the GS1 company prefix in the factory's SSCCs (7 digits).
const gs1Prefix = "4012345"

// boxPrefix is the company prefix of the boxes' SSCCs (6 digits): another
// number space than the pallets', so that neither runs out.
const boxPrefix = "401235"

// boxRec is a packed box waiting for its pallet.
type boxRec struct {
	ref      string
	maxIdx   int
	products int
	fact     bool
}

// palletRec is a packed pallet waiting for its shipment.
type palletRec struct {
	key, ref string
	products int
	fact     bool
}

// packing holds the pallet being loaded and the pallets waiting to ship.
type packing struct {
	boxes   []boxRec
	pending []palletRec
	target  int // pallets the next shipment waits for
}

// factState collects counts behind Facts.
type factState struct {
	wbUnits          int
	wbProducts       int
	productsScrapped int
}

// boxProduct puts a finished product into its family's open box, packing the
// box when it is full.
func (g *gen) boxProduct(fa *faLine, p *board, idx int, fact bool) {
	fa.box = append(fa.box, p.ref)
	fa.boxMax = max(fa.boxMax, idx)
	fa.boxFact = fa.boxFact || fact
	if len(fa.box) < BoxSize {
		return
	}
	g.seq.box++
	key := g.key("BOX", g.seq.box, 7)
	g.sum.Boxes++
	if fa.boxFact {
		g.sum.Facts.ProductBox = key
	}
	g.emit(tracegraph.EventPacked, fa.st.pack, g.op(areaPack), &tracegraph.Packed{
		Container: "Box:" + key, ContainerType: "box", Items: fa.box, SSCC: g.boxSSCC(g.seq.box)})
	g.pack.boxes = append(g.pack.boxes, boxRec{ref: "Box:" + key, maxIdx: fa.boxMax, products: len(fa.box), fact: fa.boxFact})
	fa.box, fa.boxMax, fa.boxFact = make([]string, 0, BoxSize), 0, false
	if len(g.pack.boxes) == PalletSize {
		g.packPallet()
	}
}

// packPallet loads the waiting boxes onto a pallet. Pallets holding none of
// the most recent products wait for shipment; the others stay in the house.
func (g *gen) packPallet() {
	g.seq.pallet++
	key := g.key("PAL", g.seq.pallet, 6)
	sscc := g.sscc(g.seq.pallet)
	items := make([]string, len(g.pack.boxes))
	pr := palletRec{key: key, ref: "Pallet:" + key}
	maxIdx := 0
	for i, b := range g.pack.boxes {
		items[i] = b.ref
		pr.products += b.products
		pr.fact = pr.fact || b.fact
		maxIdx = max(maxIdx, b.maxIdx)
	}
	g.pack.boxes = g.pack.boxes[:0]
	g.sum.Pallets++
	if g.sum.Facts.Pallet == "" {
		g.sum.Facts.Pallet, g.sum.Facts.PalletSSCC = key, sscc
		g.sum.Facts.PalletBoxes, g.sum.Facts.PalletProducts = len(items), pr.products
	}
	if pr.fact {
		g.sum.Facts.ProductPallet = key
	}
	g.emit(tracegraph.EventPacked, g.st.packPal, g.op(areaPack), &tracegraph.Packed{
		Container: pr.ref, ContainerType: "pallet", Items: items, SSCC: sscc})
	if maxIdx >= g.cutoff {
		return
	}
	g.pack.pending = append(g.pack.pending, pr)
	if g.pack.target == 0 {
		g.pack.target = 1 + g.r.IntN(maxShip)
	}
	if len(g.pack.pending) >= g.pack.target {
		g.ship(g.pack.target)
		g.pack.target = 0
	}
}

// ship sends the first n waiting pallets to a customer.
func (g *gen) ship(n int) {
	pallets := g.pack.pending[:n]
	c := g.cat.customers[g.r.IntN(len(g.cat.customers))]
	g.seq.shipment++
	key := g.key("SHP", g.seq.shipment, 6)
	items := make([]string, n)
	products := 0
	for i, p := range pallets {
		items[i] = p.ref
		products += p.products
		if p.fact {
			g.sum.Facts.ProductShipment = key
		}
	}
	g.pack.pending = append(g.pack.pending[:0], g.pack.pending[n:]...)
	g.sum.Shipments++
	g.sum.ProductsShipped += products
	if !g.shipped[c[0]] {
		g.shipped[c[0]] = true
		g.sum.Customers = append(g.sum.Customers, c[0])
	}
	if g.sum.Facts.Shipment == "" {
		g.sum.Facts.Shipment, g.sum.Facts.ShipmentCustomer = key, c[0]
		g.sum.Facts.ShipmentPallets, g.sum.Facts.ShipmentProducts = n, products
	}
	g.emit(tracegraph.EventShipped, g.st.dock, g.op(areaShip), &tracegraph.Shipped{
		Shipment: key, Customer: c[0], Items: items, Destination: c[1]})
}

// finishShipping ships the pallets still waiting at the end of the run.
func (g *gen) finishShipping() {
	for len(g.pack.pending) > 0 && g.err == nil {
		g.ship(min(len(g.pack.pending), 1+g.r.IntN(maxShip)))
	}
}
