package factory

import (
	"math/rand/v2"
	"strconv"
)

// partKind says how a part number's material arrives and is tracked.
type partKind uint8

const (
	kindReel    partKind = iota // reels received from a distributor
	kindSplit                   // reels split from a supplier lot
	kindWafer                   // reels split from supplier lots that derive from wafer batches
	kindPaste                   // solder paste jars, one per line and shift
	kindCoating                 // conformal coating, issued per work order (ORDER)
	kindScrews                  // screws, issued per work order (ORDER)
	kindHousing                 // housings, EXACT lot per product
	kindLabel                   // label rolls, EXACT lot per product
)

// part is one non-serialized part number of the catalogue. Parts are built
// once per Generate call and never change afterwards.
type part struct {
	idx      int
	pn       string
	mpn      string
	mfr      string
	supplier string
	coo      string // country of origin
	msl      string // moisture sensitivity level, "" where it does not apply
	kind     partKind
	reelMin  int
	reelMax  int
	fab      string // wafer ICs: the fab
	fabCode  string
}

// bomLine is one part number of a bill of materials, placed qty times.
type bomLine struct {
	part   *part
	qty    float64
	refDes []string
}

// compPart is a purchased serialized component (radio module, battery).
type compPart struct {
	idx      int
	pn       string
	mpn      string
	mfr      string
	supplier string
	coo      string
	prefix   string // serial prefix on the supplier's list
	refDes   []string
	listMin  int
	listMax  int
}

// moduleDef is a serialized sub-module of a family.
type moduleDef struct {
	idx      int // index within the family
	code     string
	name     string
	pn       string
	rev      string
	position string // where the module sits in the product
	bom      []bomLine
	fct      []measDef
}

// measDef is one FCT measurement with its limits.
type measDef struct {
	name    string
	unit    string
	nominal float64
	sigma   float64
	low     float64
	high    float64
}

// family is a product family: a finished product made of a PCBA, modules,
// purchased components and mechanics.
type family struct {
	idx        int
	code       string
	name       string
	productPN  string
	productRev string
	pcbaPN     string
	pcbaRev    string
	pcbaBOM    []bomLine
	modules    []*moduleDef
	radio      *compPart
	battery    *compPart // nil: no battery
	housing    *part
	tac        string // IMEI type allocation code; "" means no IMEI
	custPrefix string // customer serial prefix; "" means none
	line       int    // SMT line that builds the family's boards
	fwMajor    int
	pcbaFCT    []measDef
	productFCT []measDef
	rfTest     bool // cellular products get an RF test, the others a HIPOT test
}

// catalog is the fixed, deterministic catalogue of the factory: the same for
// every seed, so part numbers can be quoted in docs and tests.
type catalog struct {
	parts     []*part
	comps     []*compPart
	families  []*family
	customers [][2]string // id and destination
	shared    *part       // the capacitor on every PCBA and module
	paste     *part
	coating   *part
	screws    *part
	label     *part
	mcu       *part // the wafer-derived MCU on every PCBA

	// Quantities and limits that payloads point to. They never change.
	qtyOne, qtyScrews                      float64
	gramsPCBA, gramsModule, coatPerBoard   float64
	eirpLow, eirpHigh, zero, leakHigh, ict float64
}

type mfrDef struct {
	name, pre, suf, coo string
}

// part classes: refDes prefix, part number base, manufacturers, MSL.
type partClass struct {
	ref  string
	base int
	mfrs []mfrDef
	msl  string
	reel [2]int
}

type catalogBuilder struct {
	c            *catalog
	r            *rand.Rand
	counter      map[int]int
	distributors []string
}

// icBase is the part number base of ICs.
const icBase = 200

func (b *catalogBuilder) add(p *part) *part {
	p.idx = len(b.c.parts)
	b.c.parts = append(b.c.parts, p)
	return p
}

// newPart adds a part of class cls.
func (b *catalogBuilder) newPart(cls partClass, kind partKind) *part {
	b.counter[cls.base]++
	m := cls.mfrs[b.r.IntN(len(cls.mfrs))]
	return b.add(&part{
		pn:       strconv.Itoa(cls.base) + "-" + strconv.Itoa(10000+b.counter[cls.base]),
		mpn:      m.pre + strconv.Itoa(100+b.r.IntN(900)) + m.suf,
		mfr:      m.name,
		supplier: b.distributors[b.r.IntN(len(b.distributors))],
		coo:      m.coo,
		msl:      cls.msl,
		kind:     kind,
		reelMin:  cls.reel[0],
		reelMax:  cls.reel[1],
	})
}

func (b *catalogBuilder) waferIC(mfr, mpn, supplier, coo, fab, fabCode string) *part {
	b.counter[icBase]++
	return b.add(&part{
		pn: strconv.Itoa(icBase) + "-" + strconv.Itoa(10000+b.counter[icBase]), mpn: mpn, mfr: mfr,
		supplier: supplier, coo: coo, msl: "3", kind: kindWafer, reelMin: 3000, reelMax: 5000, fab: fab, fabCode: fabCode,
	})
}

// bomBuilder assigns reference designators in order within one BOM.
type bomBuilder struct {
	lines []bomLine
	next  map[string]int
}

func (bb *bomBuilder) add(p *part, ref string, qty int) {
	if bb.next == nil {
		bb.next = map[string]int{}
	}
	rd := make([]string, qty)
	for i := range rd {
		bb.next[ref]++
		rd[i] = ref + strconv.Itoa(bb.next[ref])
	}
	bb.lines = append(bb.lines, bomLine{part: p, qty: float64(qty), refDes: rd})
}

type classCount struct {
	cls partClass
	n   int
	max int // most placements per board
}

// newCatalog builds the fixed catalogue. It uses its own constant-seeded
// random source: the catalogue is the same whatever the Config.
func newCatalog() *catalog {
	// Manufacturer tables per part class. Names are real manufacturers so the data
	// reads like a factory's; the MPNs are synthetic.
	capMfrs := []mfrDef{{"Murata", "GRM155R71C", "KA88D", "JP"}, {"Samsung Electro-Mechanics", "CL05B", "KO5NNNC", "KR"},
		{"TDK", "C1005X7R1C", "K050BC", "JP"}, {"Yageo", "CC0402KRX7R7BB", "", "TW"}}
	resMfrs := []mfrDef{{"Yageo", "RC0402FR-07", "L", "TW"}, {"Vishay", "CRCW0402", "FKED", "CZ"}, {"Panasonic", "ERJ-2RKF", "X", "JP"}}
	indMfrs := []mfrDef{{"Murata", "LQM18PN", "MFRL", "JP"}, {"TDK", "MLZ1608N", "TT000", "JP"}, {"Coilcraft", "XFL4020-", "MEC", "US"}}
	fbMfrs := []mfrDef{{"Murata", "BLM15AG", "SN1D", "JP"}, {"TDK", "MPZ1005S", "HT000", "JP"}}
	dioMfrs := []mfrDef{{"Nexperia", "PESD5V0S", "BL", "CN"}, {"onsemi", "NSR0340", "T1G", "MY"}, {"Diodes Inc", "BAT54", "-7-F", "CN"}}
	ledMfrs := []mfrDef{{"Kingbright", "APT1608", "EC", "TW"}, {"Lite-On", "LTST-C191", "KGKT", "TW"}}
	trMfrs := []mfrDef{{"Nexperia", "BSS", "BK", "CN"}, {"Diodes Inc", "DMG", "UX-7", "CN"}}
	xtMfrs := []mfrDef{{"Epson", "FC-135", "KA-A3", "JP"}, {"Abracon", "ABM8-", "-B2-T", "CN"}}
	conMfrs := []mfrDef{{"Molex", "5055", "-0620", "CN"}, {"Wurth Elektronik", "6130", "21121", "DE"}, {"Hirose", "DF40C-", "DS-0.4V", "JP"}}
	icMfrs := []mfrDef{{"Texas Instruments", "TPS6", "DRLR", "MY"}, {"STMicroelectronics", "LD39", "PU33R", "PH"},
		{"Analog Devices", "ADM", "ARZ", "PH"}, {"Microchip", "MCP", "T-E/OT", "TH"}, {"NXP", "PCA", "PW", "CN"}}
	distributors := []string{"ARROW", "AVNET", "DIGIKEY", "MOUSER", "FUTURE", "TTI", "WPG"}

	clsCap := partClass{"C", 100, capMfrs, "", [2]int{5000, 10000}}
	clsRes := partClass{"R", 110, resMfrs, "", [2]int{5000, 10000}}
	clsInd := partClass{"L", 120, indMfrs, "1", [2]int{3000, 5000}}
	clsFB := partClass{"FB", 125, fbMfrs, "", [2]int{5000, 10000}}
	clsDio := partClass{"D", 130, dioMfrs, "1", [2]int{3000, 8000}}
	clsLED := partClass{"D", 135, ledMfrs, "2a", [2]int{3000, 5000}}
	clsTr := partClass{"Q", 140, trMfrs, "1", [2]int{3000, 8000}}
	clsXt := partClass{"Y", 150, xtMfrs, "1", [2]int{3000, 5000}}
	clsCon := partClass{"J", 300, conMfrs, "1", [2]int{3000, 4000}}
	clsIC := partClass{"U", icBase, icMfrs, "3", [2]int{3000, 5000}}

	c := &catalog{qtyOne: 1, qtyScrews: 4, gramsPCBA: 1.2, gramsModule: 0.45, coatPerBoard: 0.8,
		eirpLow: 17, eirpHigh: 23, leakHigh: 0.5, ict: 1000}
	c.customers = [][2]string{
		{"NORDLINK-TELECOM", "Stockholm, SE"},
		{"HELIOS-ENERGY", "Hamburg, DE"},
		{"VANTAGE-UTILITIES", "Lyon, FR"},
		{"MERIDIAN-LOGISTICS", "Rotterdam, NL"},
		{"ALPINE-GRID", "Zurich, CH"},
		{"KESTREL-SYSTEMS", "Austin, US"},
	}
	b := &catalogBuilder{c: c, r: rand.New(rand.NewPCG(0x7ace, 0x6a4f)), counter: map[int]int{}, distributors: distributors}

	// Common passives on every PCBA; the first three are on every module too.
	common := []struct {
		cls  partClass
		kind partKind
		qPCB [2]int
		qMod [2]int
	}{
		{clsCap, kindReel, [2]int{10, 16}, [2]int{3, 6}}, // 100 nF 0402: the shared capacitor
		{clsRes, kindSplit, [2]int{4, 8}, [2]int{1, 3}},  // 10 k 0402
		{clsCap, kindSplit, [2]int{3, 6}, [2]int{1, 2}},  // 1 uF 0402
		{clsCap, kindReel, [2]int{2, 4}, [2]int{0, 0}},   // 10 uF 0603
		{clsCap, kindReel, [2]int{2, 4}, [2]int{0, 0}},   // 22 pF
		{clsRes, kindReel, [2]int{2, 6}, [2]int{0, 0}},   // 0R
		{clsRes, kindReel, [2]int{1, 4}, [2]int{0, 0}},   // 100 k
		{clsRes, kindReel, [2]int{1, 4}, [2]int{0, 0}},   // 4k7
		{clsFB, kindReel, [2]int{1, 3}, [2]int{0, 0}},    // ferrite bead
		{clsDio, kindReel, [2]int{1, 3}, [2]int{0, 0}},   // ESD diode
		{clsLED, kindReel, [2]int{1, 2}, [2]int{0, 0}},   // status LED
		{clsTr, kindReel, [2]int{1, 2}, [2]int{0, 0}},    // small-signal MOSFET
	}
	commonParts := make([]*part, len(common))
	for i, cp := range common {
		commonParts[i] = b.newPart(cp.cls, cp.kind)
	}
	c.shared = commonParts[0]
	c.mcu = b.waferIC("STMicroelectronics", "STM32U585CIU6", "AVNET", "PH", "ST Crolles 300", "CR3")
	pmic := b.waferIC("Texas Instruments", "TPS650330RSLR", "ARROW", "MY", "TI RFAB Richardson", "RFB")
	sensorASIC := b.waferIC("Bosch Sensortec", "BMA456T", "FUTURE", "DE", "Bosch Reutlingen 300", "RT3")
	pairConn := []*part{b.newPart(clsCon, kindReel), b.newPart(clsCon, kindReel)}
	pairXtal := []*part{b.newPart(clsXt, kindReel), b.newPart(clsXt, kindReel)}

	c.paste = b.add(&part{pn: "500-00001", mpn: "OM-338-T4", mfr: "Alpha Assembly Solutions", supplier: "ALPHA",
		coo: "US", kind: kindPaste})
	c.coating = b.add(&part{pn: "510-00001", mpn: "1B31", mfr: "HumiSeal", supplier: "CHASE", coo: "US", kind: kindCoating})
	c.screws = b.add(&part{pn: "410-00001", mpn: "BN13578-M2.5x6", mfr: "Bossard", supplier: "BOSSARD", coo: "CH", kind: kindScrews})
	c.label = b.add(&part{pn: "420-00001", mpn: "THT-17-423-10", mfr: "Brady", supplier: "BRADY", coo: "US",
		kind: kindLabel, reelMin: 3000, reelMax: 5000})

	cellular := &compPart{pn: "600-00001", mpn: "BG95-M3", mfr: "Quectel", supplier: "QUECTEL", coo: "CN", prefix: "QB95",
		refDes: []string{"U30"}, listMin: 500, listMax: 1000}
	wifi := &compPart{pn: "600-00002", mpn: "ESP32-C6-MINI-1", mfr: "Espressif", supplier: "DIGIKEY", coo: "CN", prefix: "EC6",
		refDes: []string{"U30"}, listMin: 800, listMax: 1000}
	battery := &compPart{pn: "610-00001", mpn: "LS14500", mfr: "Saft", supplier: "SAFT", coo: "FR", prefix: "SL145",
		refDes: []string{"BT1"}, listMin: 400, listMax: 800}
	for i, cp := range []*compPart{cellular, wifi, battery} {
		cp.idx = i
		c.comps = append(c.comps, cp)
	}

	vcc := []measDef{
		{name: "VCC_3V3", unit: "V", nominal: 3.30, sigma: 0.022, low: 3.20, high: 3.40},
		{name: "VCC_1V8", unit: "V", nominal: 1.80, sigma: 0.011, low: 1.75, high: 1.85},
		{name: "I_SLEEP", unit: "uA", nominal: 11.5, sigma: 2.6, low: 0, high: 25},
	}
	defs := []struct {
		code, name    string
		mods          [][3]string // code, name, position
		cell, battery bool
		tac, cust     string
		line          int
		extra         measDef
		prodExtra     measDef
	}{
		{"GW", "Industrial IoT gateway", [][3]string{{"PWR", "power module", "J10"}, {"IO", "I/O module", "J11"}},
			true, false, "35920419", "", 0,
			measDef{name: "RF_TX_POWER", unit: "dBm", nominal: 23, sigma: 0.45, low: 21.5, high: 24.5},
			measDef{name: "ETH_LINK_SPEED", unit: "Mbit/s", nominal: 1000, sigma: 0, low: 1000, high: 1000}},
		{"TH", "Smart thermostat", [][3]string{{"DSP", "display module", "J5"}},
			false, true, "", "HX", 1,
			measDef{name: "WIFI_RSSI", unit: "dBm", nominal: -44, sigma: 3.5, low: -60, high: -30},
			measDef{name: "TEMP_OFFSET", unit: "K", nominal: 0, sigma: 0.12, low: -0.5, high: 0.5}},
		{"MT", "Smart electricity meter", [][3]string{{"MET", "metrology module", "J3"}, {"COM", "comms module", "J4"}},
			true, true, "35937208", "MTR", 2,
			measDef{name: "RF_TX_POWER", unit: "dBm", nominal: 23, sigma: 0.45, low: 21.5, high: 24.5},
			measDef{name: "METER_ERROR", unit: "%", nominal: 0, sigma: 0.11, low: -0.5, high: 0.5}},
		{"TR", "Asset tracker", [][3]string{{"SNS", "sensor module", "J2"}},
			true, true, "35961307", "", 0,
			measDef{name: "RF_TX_POWER", unit: "dBm", nominal: 23, sigma: 0.45, low: 21.5, high: 24.5},
			measDef{name: "GNSS_CN0", unit: "dBHz", nominal: 42, sigma: 2.2, low: 33, high: 50}},
	}
	pcbaSpecific := []classCount{{clsCap, 12, 4}, {clsRes, 12, 4}, {clsInd, 3, 2}, {clsFB, 2, 2}, {clsDio, 3, 2},
		{clsLED, 2, 2}, {clsTr, 2, 2}, {clsIC, 3, 1}, {clsCon, 2, 1}}
	modSpecific := []classCount{{clsCap, 5, 4}, {clsRes, 5, 4}, {clsInd, 1, 2}, {clsDio, 1, 1}, {clsIC, 2, 1},
		{clsCon, 1, 1}, {clsXt, 1, 1}}
	for fi, d := range defs {
		f := &family{
			idx: fi, code: d.code, name: d.name,
			productPN: "900-" + d.code + "100", productRev: "R1B",
			pcbaPN: "700-" + d.code + "100", pcbaRev: "R2A",
			tac: d.tac, custPrefix: d.cust, line: d.line, fwMajor: 2 + fi, rfTest: d.cell,
		}
		if d.cell {
			f.radio = cellular
		} else {
			f.radio = wifi
		}
		if d.battery {
			f.battery = battery
		}
		f.housing = b.add(&part{pn: "400-" + d.code + "001", mpn: "HSG-" + d.code + "-A", mfr: "Sunrise Precision Molding",
			supplier: "SUNRISE", coo: "VN", kind: kindHousing, reelMin: 500, reelMax: 2000})

		var bb bomBuilder
		for i, cp := range common {
			bb.add(commonParts[i], cp.cls.ref, cp.qPCB[0]+b.r.IntN(cp.qPCB[1]-cp.qPCB[0]+1))
		}
		bb.add(c.mcu, "U", 1)
		if fi%2 == 0 {
			bb.add(pmic, "U", 1)
		} else {
			bb.add(b.newPart(clsIC, kindReel), "U", 1)
		}
		bb.add(pairConn[fi/2], "J", 1)
		bb.add(pairXtal[fi/2], "Y", 1)
		for _, cc := range pcbaSpecific {
			for range cc.n {
				kind := kindReel
				if cc.cls.base == clsCap.base && b.r.IntN(6) == 0 {
					kind = kindSplit
				}
				bb.add(b.newPart(cc.cls, kind), cc.cls.ref, 1+b.r.IntN(cc.max))
			}
		}
		f.pcbaBOM = bb.lines
		f.pcbaFCT = append(append([]measDef(nil), vcc...), d.extra)
		f.productFCT = []measDef{
			{name: "I_ACTIVE", unit: "mA", nominal: 85 + 20*float64(fi), sigma: 4, low: 60 + 20*float64(fi), high: 110 + 20*float64(fi)},
			d.prodExtra,
		}
		for mi, md := range d.mods {
			m := &moduleDef{idx: mi, code: md[0], name: md[1], pn: "710-" + d.code + md[0], rev: "R1A", position: md[2]}
			var mb bomBuilder
			for i, cp := range common[:3] {
				mb.add(commonParts[i], cp.cls.ref, cp.qMod[0]+b.r.IntN(cp.qMod[1]-cp.qMod[0]+1))
			}
			for _, cc := range modSpecific {
				for j := range cc.n {
					if cc.cls.base == clsIC.base && j == 0 && (md[0] == "SNS" || md[0] == "MET") {
						mb.add(sensorASIC, "U", 1)
						continue
					}
					mb.add(b.newPart(cc.cls, kindReel), cc.cls.ref, 1+b.r.IntN(cc.max))
				}
			}
			m.bom = mb.lines
			m.fct = []measDef{
				{name: "VOUT", unit: "V", nominal: 5.0, sigma: 0.03, low: 4.85, high: 5.15},
				{name: "I_IDLE", unit: "mA", nominal: 3.2, sigma: 0.35, low: 1.5, high: 5},
			}
			f.modules = append(f.modules, m)
		}
		c.families = append(c.families, f)
	}
	return c
}
