package factory

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/tracegraph/tracegraph"
)

// DefaultStart returns the time of the first event when Config.Start is zero:
// Monday 2026-01-05, start of the early shift, 06:00 UTC.
func DefaultStart() time.Time { return time.Date(2026, time.January, 5, 6, 0, 0, 0, time.UTC) }

// Config describes the factory run to generate.
type Config struct {
	// Units is the number of serialized units made: PCBAs, sub-modules and
	// finished products together. Generate makes exactly this many.
	Units int
	// Seed selects the run. The same Config yields the same events, byte for byte.
	Seed uint64
	// Start is the time of the first event (zero: DefaultStart).
	Start time.Time
	// Site is the code of the plant: 1 to 8 characters of A-Z and 0-9, such
	// as "A" or "S2" (empty: none). Runs with different sites, whatever their
	// seeds, create no key, identifier or event id in common, so their
	// streams can be applied to one store together, even interleaved: keys,
	// names and event ids get the site and a dash in front
	// ("S2-BGW0000001"), and IMEIs, MACs and SSCCs come from number blocks of
	// the site. Codes of 1 to 3 characters always get blocks of their own;
	// longer codes are hashed to blocks (see siteBlock). A site run makes at
	// most 999,999 products of a family (about 14 million units); Generate
	// refuses a bigger one. Suppliers, customers and part numbers are shared
	// by all sites, and the site changes no random draw. Without a site the
	// run is what it always was, byte for byte.
	Site string
}

// Summary counts what a run produced and names a few known facts of it, for
// tests, documentation and benchmarks.
type Summary struct {
	Seed uint64 `json:"seed"`
	// Site is Config.Site.
	Site  string    `json:"site,omitempty"`
	Start time.Time `json:"start"`
	// End is the time of the last event.
	End          time.Time                      `json:"end"`
	Events       int64                          `json:"events"`
	EventsByType map[tracegraph.EventType]int64 `json:"eventsByType"`
	// Units counts units made; UnitsByKind splits them into "pcba", "module"
	// and "product".
	Units       int            `json:"units"`
	UnitsByKind map[string]int `json:"unitsByKind"`
	WorkOrders  int            `json:"workOrders"`
	// Lots counts lot.received events: reels, supplier lots, paste jars,
	// coating, screws, housings and labels.
	Lots         int `json:"lots"`
	WaferBatches int `json:"waferBatches"`
	// Components counts serialized components received on supplier lists.
	Components int `json:"components"`
	Boxes      int `json:"boxes"`
	Pallets    int `json:"pallets"`
	Shipments  int `json:"shipments"`
	// Customers lists the customer ids that received shipments, in order of
	// their first shipment.
	Customers []string `json:"customers"`
	Reworked  int      `json:"reworked"`
	Scrapped  int      `json:"scrapped"`
	// Consumptions counts material.consumed events by precision.
	Consumptions map[string]int64 `json:"consumptions"`
	// ProductsShipped and ProductsInHouse split the finished products that
	// were not scrapped.
	ProductsShipped int   `json:"productsShipped"`
	ProductsInHouse int   `json:"productsInHouse"`
	Facts           Facts `json:"facts"`
}

// Facts are known answers about one run, named so tests and demos can ask
// the store the matching questions. Empty strings mean the run was too small
// to produce the fact.
type Facts struct {
	// SharedPartNumber is consumed (EXACT or CANDIDATE) by every PCBA and module.
	SharedPartNumber string `json:"sharedPartNumber"`
	// OrderPartNumber is consumed with precision ORDER only (conformal coating).
	OrderPartNumber string `json:"orderPartNumber"`
	// OrderLot is one ORDER lot (MaterialLot key) and OrderLotUnits how many
	// units consumed it.
	OrderLot      string `json:"orderLot"`
	OrderLotUnits int    `json:"orderLotUnits"`

	// WaferBatch is the first wafer batch registered (the MCU's): WaferBatchLots
	// supplier lots derive from it directly, WaferBatchReels reels derive from
	// those lots, WaferBatchUnits units consumed those reels (EXACT or
	// CANDIDATE), and WaferBatchProducts finished products contained such a
	// unit when they were assembled.
	WaferBatch           string `json:"waferBatch"`
	WaferBatchPartNumber string `json:"waferBatchPartNumber"`
	WaferBatchLots       int    `json:"waferBatchLots"`
	WaferBatchReels      int    `json:"waferBatchReels"`
	WaferBatchUnits      int    `json:"waferBatchUnits"`
	WaferBatchProducts   int    `json:"waferBatchProducts"`

	// Product is the first finished product with an IMEI, with its numbers,
	// the PCBA inside it and where it was packed and shipped.
	Product         string `json:"product"`
	ProductGTIN     string `json:"productGtin"`
	ProductIMEI     string `json:"productImei"`
	ProductMAC      string `json:"productMac"`
	ProductPCBA     string `json:"productPcba"`
	ProductBox      string `json:"productBox"`
	ProductPallet   string `json:"productPallet"`
	ProductShipment string `json:"productShipment"`

	// Pallet is the first pallet packed, with its SSCC and contents.
	Pallet         string `json:"pallet"`
	PalletSSCC     string `json:"palletSscc"`
	PalletBoxes    int    `json:"palletBoxes"`
	PalletProducts int    `json:"palletProducts"`

	// Shipment is the first shipment, its customer and contents.
	Shipment         string `json:"shipment"`
	ShipmentCustomer string `json:"shipmentCustomer"`
	ShipmentPallets  int    `json:"shipmentPallets"`
	ShipmentProducts int    `json:"shipmentProducts"`

	// SpliceUnit consumed SplicePartNumber as CANDIDATE from both SpliceLots.
	SpliceUnit       string    `json:"spliceUnit"`
	SplicePartNumber string    `json:"splicePartNumber"`
	SpliceLots       [2]string `json:"spliceLots"`

	// ReworkedUnit had ReworkedChild removed and a replacement installed.
	ReworkedUnit  string `json:"reworkedUnit"`
	ReworkedChild string `json:"reworkedChild"`
	ScrappedUnit  string `json:"scrappedUnit"`
	// HoldLot was put on hold after receipt and released before first use.
	HoldLot string `json:"holdLot"`
}

// Generate streams the events of the reference factory to emit, in time
// order, and returns what it made. It stops at the first error from emit or
// when ctx ends. emit may keep the events it is given.
func Generate(ctx context.Context, cfg Config, emit func(*tracegraph.Event) error) (*Summary, error) {
	if cfg.Units < 0 {
		return nil, fmt.Errorf("generate: units %d must not be negative", cfg.Units)
	}
	if cfg.Site != "" {
		if err := checkSite(cfg.Site); err != nil {
			return nil, err
		}
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart()
	}
	g := newGen(ctx, cfg, emit)
	if cfg.Site != "" {
		if err := g.checkSiteCapacity(g.planned); err != nil {
			return nil, err
		}
	}
	if err := g.run(); err != nil {
		return g.sum, err
	}
	return g.sum, nil
}

// gen is the state of one run: the factory's lines, stocks and counters. Its
// size depends on the catalogue and the open work orders, never on Units.
type gen struct {
	ctx    context.Context
	cfg    Config
	cat    *catalog
	r      *rand.Rand
	emitFn func(*tracegraph.Event) error
	err    error
	sum    *Summary
	start  time.Time
	clock  int64 // milliseconds since start
	idBuf  []byte
	idLen  int
	nEv    uint64

	// site is Config.Site and sp its prefix of names ("S2-"; "" without a
	// site). block is the site's number block; tacs, macBase and the
	// stations below are the family TACs, the MAC base and the station
	// names of the run.
	site    string
	sp      string
	block   int
	tacs    []string
	macBase uint64
	st      struct{ recv, iqc, packPal, dock string }

	units    int
	prodIdx  int   // products created so far: the index of the next one
	cutoff   int   // products with an index at or above stay in the house
	planned  []int // products the plan asks of each family
	plan     planIter
	pending  *woPlan // the next work order of the plan, not yet released
	sparesWO bool

	seq     counters
	supply  []partSupply
	pools   []compPool
	lines   []*smtLine
	fas     []*faLine
	fw      []fwState
	pack    packing
	ops     operators
	shipped map[string]bool // customers that received a shipment
	facts   factState
}

// counters hand out the running numbers behind every key.
type counters struct {
	wo, reel, supLot, jar, coat, screws, housing, label, wafer, compLot int
	box, pallet, shipment                                               int
	pcba, product                                                       []int
	module                                                              [][]int
	imei, cust                                                          []int
	mac                                                                 int
}

func newGen(ctx context.Context, cfg Config, emit func(*tracegraph.Event) error) *gen {
	cat := newCatalog()
	g := &gen{
		ctx: ctx, cfg: cfg, cat: cat, emitFn: emit,
		r:     rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)),
		start: cfg.Start.UTC().Truncate(time.Millisecond),
		sum: &Summary{
			Seed: cfg.Seed, EventsByType: map[tracegraph.EventType]int64{},
			UnitsByKind:  map[string]int{"pcba": 0, "module": 0, "product": 0},
			Consumptions: map[string]int64{},
			Customers:    []string{},
		},
		supply:  make([]partSupply, len(cat.parts)),
		pools:   make([]compPool, len(cat.comps)),
		fw:      make([]fwState, len(cat.families)),
		shipped: map[string]bool{},
	}
	g.sum.Start = g.start
	g.site, g.sum.Site = cfg.Site, cfg.Site
	g.macBase = uint64(macOUI) << 24
	g.tacs = make([]string, len(cat.families))
	for i, f := range cat.families {
		g.tacs[i] = f.tac
	}
	if cfg.Site != "" {
		g.sp = cfg.Site + "-"
		g.block = siteBlock(cfg.Site)
		g.macBase = siteMACBase(g.block)
		for i, f := range cat.families {
			if f.tac != "" {
				g.tacs[i] = siteTAC(g.block, i, len(cat.families))
			}
		}
	}
	g.st.recv, g.st.iqc, g.st.packPal, g.st.dock = g.sp+"WH-RECV", g.sp+"IQC-1", g.sp+"PACK-PAL", g.sp+"DOCK-1"
	g.idBuf = append(g.idBuf, g.sp...)
	g.idBuf = append(g.idBuf, 'f')
	g.idBuf = strconv.AppendUint(g.idBuf, cfg.Seed, 10)
	g.idBuf = append(g.idBuf, '-')
	g.idLen = len(g.idBuf)
	nf := len(cat.families)
	g.seq.pcba, g.seq.product = make([]int, nf), make([]int, nf)
	g.seq.imei, g.seq.cust = make([]int, nf), make([]int, nf)
	g.seq.module = make([][]int, nf)
	for i, f := range cat.families {
		g.seq.module[i] = make([]int, len(f.modules))
	}
	g.ops = newOperators(g.sp)
	nLines := 0
	for _, f := range cat.families {
		nLines = max(nLines, f.line+1)
	}
	for i := range nLines {
		g.lines = append(g.lines, newSMTLine(i, len(cat.parts), g.sp))
	}
	for _, f := range cat.families {
		g.fas = append(g.fas, newFALine(f, g.sp))
	}
	g.plan = newPlan(cfg, cat)
	g.cutoff, g.planned = g.plannedCutoff()
	g.sum.Facts.SharedPartNumber = cat.shared.pn
	g.sum.Facts.OrderPartNumber = cat.coating.pn
	g.sum.Facts.WaferBatchPartNumber = cat.mcu.pn
	return g
}

// plannedCutoff runs a copy of the plan to count the products it will ask
// for, and returns the index from which products stay in the house (the most
// recent 5 %) and the products planned per family.
func (g *gen) plannedCutoff() (int, []int) {
	p := newPlan(g.cfg, g.cat)
	total := 0
	perFamily := make([]int, len(g.cat.families))
	for {
		wo, ok := p.next()
		if !ok {
			break
		}
		total += wo.products
		perFamily[wo.fam.idx] += wo.products
	}
	return total - max(1, (total+10)/20), perFamily
}

// now is the current time of the factory clock.
func (g *gen) now() time.Time { return g.start.Add(time.Duration(g.clock) * time.Millisecond) }

// tick advances the clock between two events by 0.25 to 0.75 s.
func (g *gen) tick() { g.clock += 250 + int64(g.r.IntN(501)) }

// emit sends one event whose data is the JSON encoding of p.
func (g *gen) emit(typ tracegraph.EventType, station, operator string, p any) {
	if g.err != nil {
		return
	}
	data, err := json.Marshal(p)
	if err != nil {
		g.err = fmt.Errorf("encode %s: %w", typ, err)
		return
	}
	g.nEv++
	g.idBuf = strconv.AppendUint(g.idBuf[:g.idLen], g.nEv, 36)
	ev := &tracegraph.Event{
		ID: string(g.idBuf), Type: typ, Time: g.now(), Station: station, Operator: operator, Data: data,
	}
	g.sum.End = ev.Time
	g.sum.Events++
	g.sum.EventsByType[typ]++
	g.tick()
	if err := g.emitFn(ev); err != nil {
		g.err = err
	}
}

func (g *gen) run() error {
	g.defineProducts()
	g.defineRoutes()
	for g.err == nil {
		if err := g.ctx.Err(); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		g.release()
		progressed := false
		for _, l := range g.lines {
			if g.smtStep(l) {
				progressed = true
			}
		}
		for _, fa := range g.fas {
			if g.faStep(fa) {
				progressed = true
			}
		}
		if progressed {
			continue
		}
		if g.pending != nil {
			// Nothing ran, but a work order waits: an assembly order was
			// just closed short, which frees its family. Let a minute pass
			// and release it next round. Each such round closes an order,
			// so this ends.
			g.clock += 60_000
			continue
		}
		if !g.sparesWO {
			g.sparesWO = true
			if short := g.cfg.Units - g.units; short > 0 {
				g.queueSpares(short)
				continue
			}
		}
		break
	}
	if g.err != nil {
		return g.err
	}
	g.finishShipping()
	g.finishSummary()
	return g.err
}

func (g *gen) finishSummary() {
	s := g.sum
	s.Units = g.units
	s.ProductsInHouse = s.UnitsByKind["product"] - s.ProductsShipped - g.facts.productsScrapped
	s.Facts.WaferBatchUnits = g.facts.wbUnits
	s.Facts.WaferBatchProducts = g.facts.wbProducts
}
