package factory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// checker replays events with the rules the store enforces (docs/events.md) and
// collects per-unit statistics. It keeps everything in memory: for tests only.
type checker struct {
	nodes      map[string]string // global ID → kind ("pcba", "lot", "box", ...)
	ids        map[string]bool   // event ids
	idents     map[string]string // scheme:value → unit
	parent     map[string]string // unit or component → parent unit
	container  map[string]string // unit, box or pallet → box, pallet or shipment
	expires    map[string]time.Time
	held       map[string]bool
	scrapped   map[string]bool
	contents   map[string]int // box or pallet → items
	ctype      map[string]string
	tests      map[string]int
	procs      map[string]int // process records naming the unit
	consumed   map[string]int // consumption events of the unit
	candidates int
	byPrec     map[tracegraph.Precision]int
	imeis      []string
	last       time.Time
	n          int

	watchPN   string            // a part number whose consumers are recorded
	lotPN     map[string]string // lot → part number
	watched   map[string]bool   // units that consumed watchPN
	firmware  map[string]bool   // firmware versions seen in tests
	fctFailed map[string]bool   // units with a failed FCT
	fctRetest int               // units whose FCT passed after a failure
	measured  int               // measurements with both limits
	nearLimit int               // ... within 10 % of the range from a limit

	// The line side (checker_lineside_test.go).
	stations map[string]*ckStation
	floor    map[string]time.Time // moisture-sensitive lot → floor life since
	lotMSL   map[string]string
	unitPN   map[string]string
}

func newChecker() *checker {
	return &checker{
		nodes: map[string]string{}, ids: map[string]bool{}, idents: map[string]string{},
		parent: map[string]string{}, container: map[string]string{}, expires: map[string]time.Time{},
		held: map[string]bool{}, scrapped: map[string]bool{}, contents: map[string]int{}, ctype: map[string]string{},
		tests: map[string]int{}, procs: map[string]int{}, consumed: map[string]int{},
		byPrec: map[tracegraph.Precision]int{},
		lotPN:  map[string]string{}, lotMSL: map[string]string{}, unitPN: map[string]string{}, watched: map[string]bool{}, firmware: map[string]bool{}, fctFailed: map[string]bool{},
	}
}

// check validates one event and applies it. The event must already be normalized.
func (c *checker) check(ev *tracegraph.Event) error {
	if err := c.apply(ev); err != nil {
		return fmt.Errorf("event %d %s %s: %w\n%s", c.n, ev.ID, ev.Type, err, ev.Data)
	}
	return nil
}

func (c *checker) create(id, kind string) error {
	if _, ok := c.nodes[id]; ok {
		return fmt.Errorf("%s created twice", id)
	}
	c.nodes[id] = kind
	return nil
}

func (c *checker) exists(ref string, labels ...tracegraph.Label) error {
	l, _, err := tracegraph.ParseID(ref)
	if err != nil {
		return fmt.Errorf("reference %q is not a global ID: %w", ref, err)
	}
	if len(labels) > 0 && !containsLabel(labels, l) {
		return fmt.Errorf("reference %q: want one of %v", ref, labels)
	}
	if _, ok := c.nodes[ref]; !ok {
		return fmt.Errorf("reference %q used before it exists", ref)
	}
	return nil
}

func containsLabel(ls []tracegraph.Label, l tracegraph.Label) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

func (c *checker) free(ref string) error {
	if p := c.parent[ref]; p != "" {
		return fmt.Errorf("%s is inside %s", ref, p)
	}
	if p := c.container[ref]; p != "" {
		return fmt.Errorf("%s is in container %s", ref, p)
	}
	return nil
}

func (c *checker) identifier(unit, scheme, value string) error {
	k := scheme + ":" + value
	if u, ok := c.idents[k]; ok {
		return fmt.Errorf("identifier %s already names %s", k, u)
	}
	c.idents[k] = unit
	if scheme == "IMEI" {
		c.imeis = append(c.imeis, value)
	}
	return nil
}

func (c *checker) apply(ev *tracegraph.Event) error {
	c.n++
	if c.ids[ev.ID] {
		return fmt.Errorf("event id repeated")
	}
	c.ids[ev.ID] = true
	if ev.Time.Before(c.last) {
		return fmt.Errorf("time %s before previous %s", ev.Time, c.last)
	}
	c.last = ev.Time
	if ev.Station == "" || ev.Operator == "" {
		return fmt.Errorf("station %q or operator %q missing", ev.Station, ev.Operator)
	}
	p, err := ev.Payload()
	if err != nil {
		return err
	}
	switch d := p.(type) {
	case *tracegraph.UnitCreated:
		id := "Unit:" + d.Serial
		c.unitPN[id] = d.PartNumber
		if err := c.create(id, d.Kind); err != nil {
			return err
		}
		for s, v := range d.Identifiers {
			if err := c.identifier(id, s, v); err != nil {
				return err
			}
		}
	case *tracegraph.IdentifierAssigned:
		if err := c.exists(d.Unit, tracegraph.LabelUnit); err != nil {
			return err
		}
		return c.identifier(d.Unit, d.Scheme, d.Value)
	case *tracegraph.WaferRegistered:
		return c.create("WaferBatch:"+d.WaferBatch, "wafer")
	case *tracegraph.LotReceived:
		for _, r := range d.DerivedFrom {
			if err := c.exists(r, tracegraph.LabelMaterialLot, tracegraph.LabelWaferBatch); err != nil {
				return err
			}
		}
		id := "MaterialLot:" + d.Lot
		c.lotPN[id] = d.PartNumber
		c.lotMSL[id] = d.MSL
		if d.ExpiresAt != nil {
			c.expires[id] = *d.ExpiresAt
		}
		return c.create(id, "lot")
	case *tracegraph.ComponentReceived:
		for _, s := range d.Serials {
			if err := c.create("Component:"+s, "component"); err != nil {
				return err
			}
		}
	case *tracegraph.MaterialConsumed:
		if err := c.exists(d.Unit, tracegraph.LabelUnit); err != nil {
			return err
		}
		if c.scrapped[d.Unit] {
			return fmt.Errorf("%s is scrapped", d.Unit)
		}
		c.consumed[d.Unit]++
		c.byPrec[d.Precision]++
		if d.Lot != "" {
			if err := c.exists(d.Lot, tracegraph.LabelMaterialLot); err != nil {
				return err
			}
			if c.held[d.Lot] {
				return fmt.Errorf("%s is on hold", d.Lot)
			}
			if exp, ok := c.expires[d.Lot]; ok && !ev.Time.Before(exp) {
				return fmt.Errorf("%s expired at %s", d.Lot, exp)
			}
			if c.lotPN[d.Lot] == c.watchPN {
				c.watched[d.Unit] = true
			}
			return nil
		}
		if err := c.exists(d.Component, tracegraph.LabelComponent); err != nil {
			return err
		}
		if err := c.free(d.Component); err != nil {
			return err
		}
		c.parent[d.Component] = d.Unit
	case *tracegraph.UnitAssembled:
		if err := c.exists(d.Parent, tracegraph.LabelUnit); err != nil {
			return err
		}
		if err := c.exists(d.Child, tracegraph.LabelUnit); err != nil {
			return err
		}
		if c.scrapped[d.Child] || c.scrapped[d.Parent] {
			return fmt.Errorf("scrapped unit assembled")
		}
		if err := c.free(d.Child); err != nil {
			return err
		}
		c.parent[d.Child] = d.Parent
	case *tracegraph.ComponentRemoved:
		if c.parent[d.Child] != d.Parent {
			return fmt.Errorf("%s is not inside %s", d.Child, d.Parent)
		}
		delete(c.parent, d.Child)
	case *tracegraph.TestRecorded:
		if err := c.exists(d.Unit, tracegraph.LabelUnit); err != nil {
			return err
		}
		c.tests[d.Unit]++
		if d.Firmware != nil {
			c.firmware[d.Firmware.Version] = true
		}
		for _, m := range d.Measurements {
			if m.Low != nil && m.High != nil && *m.High > *m.Low {
				c.measured++
				if r := (*m.High - *m.Low) / 10; m.Value-*m.Low < r || *m.High-m.Value < r {
					c.nearLimit++
				}
			}
		}
		if d.TestType == "FCT" {
			switch {
			case d.Result == tracegraph.ResultFail:
				c.fctFailed[d.Unit] = true
			case c.fctFailed[d.Unit]:
				c.fctRetest++
			}
		}
	case *tracegraph.ProcessRecorded:
		for _, u := range d.Units {
			if err := c.exists(u, tracegraph.LabelUnit); err != nil {
				return err
			}
			c.procs[u]++
		}
	case *tracegraph.Packed:
		if ev.Type != tracegraph.EventPacked {
			return fmt.Errorf("unexpected %s", ev.Type)
		}
		if !strings.HasPrefix(d.Container, string(d.ContainerLabel())+":") {
			return fmt.Errorf("container %s is not a %s", d.Container, d.ContainerType)
		}
		if err := c.create(d.Container, d.ContainerType); err != nil {
			return err
		}
		for _, it := range d.Items {
			if err := c.exists(it); err != nil {
				return err
			}
			if err := c.free(it); err != nil {
				return err
			}
			if c.scrapped[it] {
				return fmt.Errorf("%s is scrapped", it)
			}
			c.container[it] = d.Container
		}
		c.contents[d.Container] = len(d.Items)
		c.ctype[d.Container] = d.ContainerType
	case *tracegraph.Shipped:
		id := "Shipment:" + d.Shipment
		if err := c.create(id, "shipment"); err != nil {
			return err
		}
		for _, it := range d.Items {
			if err := c.exists(it); err != nil {
				return err
			}
			if err := c.free(it); err != nil {
				return fmt.Errorf("ship a non-top-level item: %w", err)
			}
			c.container[it] = id
		}
	case *tracegraph.HoldChange:
		if err := c.exists(d.Target); err != nil {
			return err
		}
		if ev.Type == tracegraph.EventHoldPlaced {
			c.held[d.Target] = true
		} else {
			if !c.held[d.Target] {
				return fmt.Errorf("release of %s, which is not held", d.Target)
			}
			delete(c.held, d.Target)
		}
	case *tracegraph.UnitScrapped:
		if err := c.exists(d.Unit, tracegraph.LabelUnit); err != nil {
			return err
		}
		if c.scrapped[d.Unit] {
			return fmt.Errorf("%s scrapped twice", d.Unit)
		}
		if err := c.free(d.Unit); err != nil {
			return fmt.Errorf("scrap: %w", err)
		}
		c.scrapped[d.Unit] = true
	case *tracegraph.ProductDefined:
		// A product may be defined again (a redefinition); its GTIN is its own.
		if owner, ok := c.idents["GTIN:"+d.GTIN]; ok && owner != d.PartNumber {
			return fmt.Errorf("GTIN %s of %s already belongs to %s", d.GTIN, d.PartNumber, owner)
		}
		c.idents["GTIN:"+d.GTIN] = d.PartNumber
	default:
		if ok, err := c.applyLineSide(ev, p); ok {
			return err
		}
		return fmt.Errorf("unexpected payload %T", p)
	}
	return nil
}

// normalizeCanonical normalizes ev and reports an error when that changed
// its data: the generator writes canonical payloads.
func normalizeCanonical(ev *tracegraph.Event) error {
	before := append(json.RawMessage(nil), ev.Data...)
	if err := ev.Normalize(); err != nil {
		return err
	}
	if !bytes.Equal(before, ev.Data) {
		return fmt.Errorf("data is not canonical:\n got  %s\n want %s", before, ev.Data)
	}
	return nil
}
