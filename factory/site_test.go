package factory

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

// siteUnits is the size of the runs the site tests put side by side: big
// enough for pallets (SSCCs) and a shipment in every run.
const siteUnits = 4_000

func TestSiteValidation(t *testing.T) {
	for _, site := range []string{"A", "Z", "0", "S2", "PLANT123", "99999999"} {
		if _, err := Generate(context.Background(), Config{Units: 10, Site: site}, func(*tracegraph.Event) error { return nil }); err != nil {
			t.Errorf("Generate(site %q) = %v, want no error", site, err)
		}
	}
	for _, site := range []string{"a", "s2", "S-2", " A", "A ", "PLANT1234", "Ä", "A_B", "A.B"} {
		n := 0
		_, err := Generate(context.Background(), Config{Units: 10, Site: site}, func(*tracegraph.Event) error { n++; return nil })
		if err == nil || !strings.Contains(err.Error(), "site") || n != 0 {
			t.Errorf("Generate(site %q) = %v after %d events, want a site error before any event", site, err, n)
		}
	}
}

func TestSiteBlocks(t *testing.T) {
	// Every code of 1 to 3 characters has a block of its own.
	const alpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	seen := make([]string, shortSites)
	var codes []string
	for _, a := range alpha {
		codes = append(codes, string(a))
		for _, b := range alpha {
			codes = append(codes, string(a)+string(b))
			for _, c := range alpha {
				codes = append(codes, string(a)+string(b)+string(c))
			}
		}
	}
	if len(codes) != shortSites {
		t.Fatalf("%d codes of 1 to 3 characters, want %d", len(codes), shortSites)
	}
	for _, c := range codes {
		b := siteBlock(c)
		if b < 0 || b >= shortSites {
			t.Fatalf("siteBlock(%q) = %d, want in [0, %d)", c, b, shortSites)
		}
		if seen[b] != "" {
			t.Fatalf("siteBlock(%q) = siteBlock(%q) = %d", c, seen[b], b)
		}
		seen[b] = c
	}
	// Longer codes land in the other blocks.
	for _, c := range []string{"AAAA", "PLANT1", "PLANT2", "ZZZZZZZZ", "00000000", "SZX3"} {
		if b := siteBlock(c); b < shortSites || b >= siteBlocks {
			t.Errorf("siteBlock(%q) = %d, want in [%d, %d)", c, b, shortSites, siteBlocks)
		}
	}
	if siteBlock("PLANT1") == siteBlock("PLANT2") {
		t.Errorf("PLANT1 and PLANT2 share a block")
	}

	// The extremes of the number blocks stay valid and apart from the
	// numbers of runs without a site.
	nf := len(newCatalog().families)
	if lo, hi := siteTAC(0, 0, nf), siteTAC(siteBlocks-1, nf-1, nf); lo != "35000000" || hi != "35799999" {
		t.Errorf("site TACs %s to %s, want 35000000 to 35799999", lo, hi)
	}
	for _, f := range newCatalog().families {
		if f.tac != "" && f.tac < "35800000" {
			t.Errorf("family %s TAC %s is in the site TACs", f.code, f.tac)
		}
	}
	for _, b := range []int{0, 1, 0x1F5C, 0xFFFF, 0x10000, 0x2_1F5C, siteBlocks - 1} {
		for _, n := range []uint64{1, siteMACs} {
			m := formatMAC(siteMACBase(b) + n)
			if !validLocalMAC(m) || strings.HasPrefix(m, "0A:") {
				t.Errorf("block %d: MAC %d = %s, want a locally administered unicast MAC outside 0A:", b, n, m)
			}
		}
		g := &gen{site: "X", block: b}
		for _, n := range []int{1, sitePallets} {
			s := g.sscc(n)
			if !tracegraph.ValidSSCC(s) || s[0] == '0' || s[1:8] != gs1Prefix {
				t.Errorf("block %d: SSCC %d = %s, want a valid SSCC with extension 1-9 and prefix %s", b, n, s, gs1Prefix)
			}
		}
		for _, n := range []int{1, siteBoxes} {
			s := g.boxSSCC(n)
			if !tracegraph.ValidSSCC(s) || s[0] == '0' || s[1:7] != boxPrefix {
				t.Errorf("block %d: box SSCC %d = %s, want a valid SSCC with extension 1-9 and prefix %s", b, n, s, boxPrefix)
			}
		}
	}
	if a, b := formatMAC(siteMACBase(0)+siteMACs), formatMAC(siteMACBase(1)+1); a >= b {
		t.Errorf("last MAC of block 0 %s is not below first of block 1 %s", a, b)
	}
	if a, b := (&gen{site: "X", block: 0}).boxSSCC(siteBoxes), (&gen{site: "X", block: 1}).boxSSCC(1); a[:17] >= b[:17] {
		t.Errorf("last box SSCC of block 0 %s is not below first of block 1 %s", a, b)
	}
	if last := (&gen{site: "X", block: siteBlocks - 1}).boxSSCC(siteBoxes); last[:17] != "9"+boxPrefix+"9999999999" {
		t.Errorf("last site box SSCC = %s, want 9%s9999999999 and a check digit", last, boxPrefix)
	}
	last := (&gen{site: "X", block: siteBlocks - 1}).sscc(sitePallets)
	if last[:17] != "9"+gs1Prefix+"999999999" {
		t.Errorf("last site SSCC = %s, want 9%s999999999 and a check digit", last, gs1Prefix)
	}
}

func TestSiteCapacity(t *testing.T) {
	// About 14 million units plan more than 999,999 products of a family.
	_, err := Generate(context.Background(), Config{Units: 15_000_000, Site: "A"}, func(*tracegraph.Event) error {
		t.Fatal("event emitted")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "IMEIs of a site") {
		t.Errorf("Generate(15M units, site A) = %v, want an IMEI capacity error", err)
	}
}

// TestSiteRenamesOnly checks that a site changes names, not the run.
func TestSiteRenamesOnly(t *testing.T) {
	var plain, sited []*tracegraph.Event
	collect := func(dst *[]*tracegraph.Event) func(*tracegraph.Event) error {
		return func(ev *tracegraph.Event) error { *dst = append(*dst, ev); return nil }
	}
	sa, err := Generate(context.Background(), Config{Units: 1500, Seed: 9}, collect(&plain))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Generate(context.Background(), Config{Units: 1500, Seed: 9, Site: "S2"}, collect(&sited))
	if err != nil {
		t.Fatal(err)
	}
	if sa.Site != "" || sb.Site != "S2" {
		t.Errorf("Summary.Site = %q and %q, want \"\" and S2", sa.Site, sb.Site)
	}
	if sa.Events != sb.Events || sa.Units != sb.Units || sa.Lots != sb.Lots || sa.Components != sb.Components || sa.Boxes != sb.Boxes {
		t.Errorf("site run counts differ: %+v vs %+v", sa, sb)
	}
	if sb.Facts.Product != "S2-"+sa.Facts.Product || sb.Facts.WaferBatch != "S2-"+sa.Facts.WaferBatch {
		t.Errorf("site facts %q, %q; want S2- and %q, %q", sb.Facts.Product, sb.Facts.WaferBatch, sa.Facts.Product, sa.Facts.WaferBatch)
	}
	for i := range plain {
		a, b := plain[i], sited[i]
		if b.ID != "S2-"+a.ID || b.Type != a.Type || !b.Time.Equal(a.Time) || b.Station != "S2-"+a.Station || b.Operator != "S2-"+a.Operator {
			t.Fatalf("event %d: %s %s %s %s vs %s %s %s %s", i, a.ID, a.Type, a.Station, a.Operator, b.ID, b.Type, b.Station, b.Operator)
		}
	}
}

// siteStream is the events of one run and what it created, by kind.
type siteStream struct {
	name    string
	events  []*tracegraph.Event
	created map[string]map[string]bool // kind → keys, identifiers, names
}

// generateSite generates cfg, checks every event against the store's rules
// and collects what the run creates: everything that must not be shared
// between sites. Suppliers, customers and part numbers may be.
func generateSite(t *testing.T, cfg Config) *siteStream {
	t.Helper()
	s := &siteStream{name: fmt.Sprintf("site %q seed %d", cfg.Site, cfg.Seed), created: map[string]map[string]bool{}}
	add := func(kind, v string) {
		if s.created[kind] == nil {
			s.created[kind] = map[string]bool{}
		}
		s.created[kind][v] = true
	}
	c := newChecker()
	_, err := Generate(context.Background(), cfg, func(ev *tracegraph.Event) error {
		if err := normalizeCanonical(ev); err != nil {
			return err
		}
		if err := c.check(ev); err != nil {
			return err
		}
		s.events = append(s.events, ev)
		add("event id", ev.ID)
		add("station", ev.Station)
		add("operator", ev.Operator)
		p, err := ev.Payload()
		if err != nil {
			return err
		}
		switch d := p.(type) {
		case *tracegraph.UnitCreated:
			add("serial", d.Serial)
			add("work order", d.WorkOrder)
			for scheme, v := range d.Identifiers {
				add("identifier "+scheme, v)
			}
		case *tracegraph.IdentifierAssigned:
			add("identifier "+d.Scheme, d.Value)
		case *tracegraph.LotReceived:
			add("lot", d.Lot)
		case *tracegraph.WaferRegistered:
			add("wafer batch", d.WaferBatch)
		case *tracegraph.ComponentReceived:
			add("component lot", d.Lot)
			for _, sn := range d.Serials {
				add("component", sn)
			}
		case *tracegraph.Packed:
			add(d.ContainerType, d.Container)
			if d.SSCC != "" {
				add("sscc", d.SSCC)
			}
		case *tracegraph.Shipped:
			add("shipment", d.Shipment)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return s
}

// validLocalMAC reports whether m is XX:XX:XX:XX:XX:XX in upper-case hex
// with a locally administered unicast first octet.
func validLocalMAC(m string) bool {
	if len(m) != 17 {
		return false
	}
	for i := range 17 {
		c := m[i]
		if i%3 == 2 {
			if c != ':' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	var o0 byte
	fmt.Sscanf(m[:2], "%02X", &o0)
	return o0&0b11 == 0b10
}

func TestSitesDoNotCollide(t *testing.T) {
	streams := []*siteStream{
		generateSite(t, Config{Units: siteUnits, Seed: 1, Site: "A"}),
		generateSite(t, Config{Units: siteUnits, Seed: 1, Site: "S2"}),
		generateSite(t, Config{Units: siteUnits, Seed: 2, Site: "PLANT7"}),
		generateSite(t, Config{Units: siteUnits, Seed: 1}), // no site
	}
	kinds := []string{"event id", "station", "operator", "serial", "work order", "lot", "wafer batch",
		"component", "component lot", "box", "pallet", "sscc", "shipment",
		"identifier MAC", "identifier IMEI", "identifier CUSTOMER_SERIAL"}
	for _, s := range streams {
		for _, k := range kinds {
			if len(s.created[k]) == 0 {
				t.Errorf("%s created no %s", s.name, k)
			}
		}
		if len(s.created) != len(kinds) {
			t.Errorf("%s created %d kinds, want %d", s.name, len(s.created), len(kinds))
		}
		for v := range s.created["identifier IMEI"] {
			if len(v) != 15 || !luhnValid(v) {
				t.Errorf("%s: IMEI %s is not 15 digits with a Luhn check digit", s.name, v)
			}
		}
		for v := range s.created["identifier MAC"] {
			if !validLocalMAC(v) {
				t.Errorf("%s: MAC %s is not a locally administered unicast MAC", s.name, v)
			}
		}
		for v := range s.created["sscc"] {
			if !tracegraph.ValidSSCC(v) {
				t.Errorf("%s: SSCC %s is not valid", s.name, v)
			}
		}
	}
	for _, k := range kinds {
		owner := map[string]string{}
		for _, s := range streams {
			for v := range s.created[k] {
				if o, ok := owner[v]; ok {
					t.Errorf("%s %q made by %s and %s", k, v, o, s.name)
					continue
				}
				owner[v] = s.name
			}
		}
	}
}

// TestSitesInOneStore applies the streams of two sites with the same seed,
// interleaved in batches of 200 events, to one embedded store: every event
// is accepted.
func TestSitesInOneStore(t *testing.T) {
	if testing.Short() {
		t.Skip("applies 300,000 events to a store")
	}
	streams := []*siteStream{
		generateSite(t, Config{Units: siteUnits, Seed: 1, Site: "A"}),
		generateSite(t, Config{Units: siteUnits, Seed: 1, Site: "B"}),
	}
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	const batch = 200
	applied, rejected := 0, 0
	for off := 0; ; off += batch {
		more := false
		for _, s := range streams {
			if off >= len(s.events) {
				continue
			}
			more = true
			evs := s.events[off:min(off+batch, len(s.events))]
			outs, err := st.Apply(ctx, evs, tracegraph.ApplyOptions{})
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			for _, o := range outs {
				applied++
				if o.Status != tracegraph.OutcomeAccepted {
					rejected++
					if rejected <= 10 {
						t.Errorf("%s: event %s %s: %s %v", s.name, o.ID, evs[o.Index].Type, o.Status, o.Error)
					}
				}
			}
		}
		if !more {
			break
		}
	}
	want := 0
	for _, s := range streams {
		want += len(s.events)
	}
	if applied != want || rejected != 0 {
		t.Errorf("applied %d of %d events, %d not accepted", applied, want, rejected)
	}
	// The first pallet of each site is a pallet of its own, with its own SSCC.
	ssccs := map[string]bool{}
	for _, site := range []string{"A", "B"} {
		id := tracegraph.NewID(tracegraph.LabelPallet, site+"-PAL000001")
		n, err := st.Node(ctx, id)
		if err != nil || n == nil {
			t.Errorf("Node(%s) = %v, %v", id, n, err)
			continue
		}
		ssccs[n.Str("sscc")] = true
	}
	if len(ssccs) != 2 {
		t.Errorf("first pallets have SSCCs %v, want 2 different", ssccs)
	}
}
