package cfx

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// The line-side messages: material packages loaded onto and off a
// station's feeder slots, splices, and units placed at the station. The
// station is the sender (the envelope's Source, its CFX handle).

// slot names a material location: its LocationName, or else its
// LocationIdentifier; a lane of a multi-lane feeder (a carrier on a base)
// is a slot of its own, "<location>:<lane>".
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
	if c := l.CarrierInformation; c != nil && c.LaneNumber >= 1 && (c.BaseUniqueIdentifier != "" || c.BaseName != "") {
		name += ":" + strconv.Itoa(c.LaneNumber)
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

// placed adds a placement of each unit at the sending station, when the
// message says which station (Source).
func (m *Mapper) placed(b *builder, units []string) error {
	if b.env.Source == "" {
		return nil
	}
	for i, u := range units {
		if err := b.add("placed."+strconv.Itoa(i), tracegraph.EventUnitPlaced, &tracegraph.UnitPlaced{Unit: u, Station: b.env.Source}); err != nil {
			return err
		}
	}
	return nil
}
