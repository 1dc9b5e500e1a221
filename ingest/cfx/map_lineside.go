package cfx

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// The line-side messages: material packages loaded onto and off a
// station's feeder slots, splices, and units placed at the station. The
// station is the sender (the envelope's Source, its CFX handle).

// slot names a material location: its LocationName (SLOT45), or else its
// LocationIdentifier (the location's barcode), as the station's setup
// (setup.defined) names its slots.
func slot(field string, l *materialLocation) (string, error) {
	if l == nil {
		return "", tracegraph.Errorf(tracegraph.CodeInvalid, field, "%s is required", field)
	}
	name := strings.TrimSpace(l.LocationName)
	if name == "" {
		name = strings.TrimSpace(l.LocationIdentifier)
	}
	if name == "" {
		return "", tracegraph.Errorf(tracegraph.CodeInvalid, field+".LocationName",
			"the location has no LocationName or LocationIdentifier: tracegraph needs the slot (a package loaded only onto a carrier is not at a station yet)")
	}
	return name, nil
}

// materialsLoaded: each package loaded at a slot of the station is
// feeder.loaded (replacing what the slot held). A package tracegraph does
// not know is registered as a lot of its InternalPartNumber first.
func (m *Mapper) materialsLoaded(ctx context.Context, b *builder) error {
	var body materialsLoaded
	if err := b.body(&body); err != nil {
		return err
	}
	station, err := b.station()
	if err != nil {
		return err
	}
	for i := range body.Materials {
		l := &body.Materials[i]
		field := fmt.Sprintf("Materials[%d]", i)
		s, err := slot(field, l)
		if err != nil {
			return err
		}
		lot, err := m.lot(ctx, b, field+".MaterialPackage", l.MaterialPackage)
		if err != nil {
			return err
		}
		if err := b.add(strconv.Itoa(i), tracegraph.EventFeederLoaded, &tracegraph.FeederLoaded{Station: station, Slot: s, Lot: lot}); err != nil {
			return err
		}
	}
	return nil
}

// lot is material for a package that must be a lot (feeders hold lots).
func (m *Mapper) lot(ctx context.Context, b *builder, field string, p *materialPackage) (string, error) {
	mat, err := m.material(ctx, b, field, p)
	if err != nil {
		return "", err
	}
	if mat.Label() != tracegraph.LabelMaterialLot {
		return "", tracegraph.Errorf(tracegraph.CodeInvalid, field+".UniqueIdentifier", "%s is a %s, not a lot: a feeder slot holds lots", mat.Key(), mat.Label())
	}
	return string(mat), nil
}

// splicePointDetected: the newly active package was spliced behind the
// depleted one and the splice has reached the pick position: feeder.spliced
// with the new package, then splice.passed, at the newly active location
// (or the depleted one's, when the message names no other).
func (m *Mapper) splicePointDetected(ctx context.Context, b *builder) error {
	var body splicePointDetected
	if err := b.body(&body); err != nil {
		return err
	}
	station, err := b.station()
	if err != nil {
		return err
	}
	loc, field := body.NewlyActiveMaterial, "NewlyActiveMaterial"
	if loc == nil {
		return tracegraph.Errorf(tracegraph.CodeInvalid, field, "SplicePointDetected needs the NewlyActiveMaterial")
	}
	at := loc
	if strings.TrimSpace(at.LocationName) == "" && strings.TrimSpace(at.LocationIdentifier) == "" && body.DepletedMaterial != nil {
		at, field = body.DepletedMaterial, "DepletedMaterial"
	}
	s, err := slot(field, at)
	if err != nil {
		return err
	}
	lot, err := m.lot(ctx, b, "NewlyActiveMaterial.MaterialPackage", loc.MaterialPackage)
	if err != nil {
		return err
	}
	if err := b.add("0", tracegraph.EventFeederSpliced, &tracegraph.FeederLoaded{Station: station, Slot: s, Lot: lot}); err != nil {
		return err
	}
	return b.add("1", tracegraph.EventSplicePassed, &tracegraph.FeederSlot{Station: station, Slot: s})
}

// materialsUnloaded: each slot of the station that holds one of the
// packages is unloaded (feeder.unloaded). CFX names only the packages: the
// slots are those the station's line-side record (its Station node) has
// them on. A package on no slot of the station changes nothing.
func (m *Mapper) materialsUnloaded(ctx context.Context, b *builder) error {
	var body materialsUnloaded
	if err := b.body(&body); err != nil {
		return err
	}
	station, err := b.station()
	if err != nil {
		return err
	}
	held, err := m.slotsHolding(ctx, station, b.env.EventID(""))
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for i, pkg := range body.MaterialPackageIdentifiers {
		lot := string(tracegraph.NewID(tracegraph.LabelMaterialLot, strings.TrimSpace(pkg)))
		for _, s := range held[lot] {
			if done[s] {
				continue
			}
			done[s] = true
			if err := b.add(fmt.Sprintf("%d.%s", i, s), tracegraph.EventFeederUnloaded, &tracegraph.FeederSlot{Station: station, Slot: s}); err != nil {
				return err
			}
		}
	}
	return nil
}

// slotsHolding returns, by lot, the slots of the station that hold a reel
// of it now: the open reels of the Station node's feeders property
// (docs/events-lineside.md), and those that events whose ids start with
// closedBy (this message's, delivered before) took off, so that a
// redelivery maps onto the same events.
func (m *Mapper) slotsHolding(ctx context.Context, station, closedBy string) (map[string][]string, error) {
	n, err := m.Store.Node(ctx, tracegraph.NewID(tracegraph.LabelStation, station))
	if tracegraph.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up station %s: %w", station, err)
	}
	var feeders map[string]struct {
		Reels []struct {
			Lot      string `json:"lot"`
			To       string `json:"to"`
			ClosedBy string `json:"closedBy"`
		} `json:"reels"`
	}
	if err := stationProp(n, "feeders", &feeders); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	slots := make([]string, 0, len(feeders))
	for s := range feeders {
		slots = append(slots, s)
	}
	sort.Strings(slots)
	for _, s := range slots {
		for _, r := range feeders[s].Reels {
			if r.To == "" || strings.HasPrefix(r.ClosedBy, closedBy) {
				out[r.Lot] = append(out[r.Lot], s)
			}
		}
	}
	return out, nil
}

// stationProp decodes the Station node's line-side property k (JSON text,
// or a JSON value as recorded before it was text) into v; a property that
// is not there leaves v alone.
func stationProp(n *tracegraph.Node, k string, v any) error {
	p, ok := n.Props[k]
	if !ok || p == nil {
		return nil
	}
	b, isText := p.(string)
	raw := []byte(b)
	if !isText {
		var err error
		if raw, err = json.Marshal(p); err != nil {
			return fmt.Errorf("%s's %s: %w", n.ID, k, err)
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s's %s: %w", n.ID, k, err)
	}
	return nil
}

// placed adds a placement of each unit at the sending station, when the
// station places parts: it has setups (setup.activated). Every process
// endpoint sends WorkStarted, a printer, an oven or a tester as well as a
// placement machine; only at the last does a unit take material from the
// station's feeder slots.
func (m *Mapper) placed(ctx context.Context, b *builder, units []string) error {
	if b.env.Source == "" {
		return nil
	}
	n, err := m.Store.Node(ctx, tracegraph.NewID(tracegraph.LabelStation, b.env.Source))
	if tracegraph.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look up station %s: %w", b.env.Source, err)
	}
	var acts []json.RawMessage
	if err := stationProp(n, "activations", &acts); err != nil || len(acts) == 0 {
		return err
	}
	for i, u := range units {
		if err := b.add("placed."+strconv.Itoa(i), tracegraph.EventUnitPlaced, &tracegraph.UnitPlaced{Unit: u, Station: b.env.Source}); err != nil {
			return err
		}
	}
	return nil
}
