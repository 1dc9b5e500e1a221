package factory

import (
	"fmt"
	"time"

	"github.com/tracegraph/tracegraph"
)

// The checker's model of the line side (docs/events.md): setups,
// the reels on each slot, floor life, and what a placement consumes.

type ckReel struct {
	lot     string
	from    time.Time
	spliced bool
}

type ckStation struct {
	setups map[string]*tracegraph.SetupDefined
	active *tracegraph.SetupDefined
	slots  map[string][]ckReel
}

func (c *checker) station(name string) *ckStation {
	c.initLineSide()
	st := c.stations[name]
	if st == nil {
		st = &ckStation{setups: map[string]*tracegraph.SetupDefined{}, slots: map[string][]ckReel{}}
		c.stations[name] = st
	}
	return st
}

func (c *checker) initLineSide() {
	if c.stations == nil {
		c.stations, c.floor = map[string]*ckStation{}, map[string]time.Time{}
	}
}

// usableLot checks a lot on a feeder at t: not held, within its floor life.
func (c *checker) usableLot(lot string, t time.Time) error {
	if c.held[lot] {
		return fmt.Errorf("%s is on hold", lot)
	}
	life, _ := tracegraph.FloorLife(c.lotMSL[lot], nil)
	if since, ok := c.floor[lot]; ok && life > 0 && !t.Before(since.Add(life)) {
		return fmt.Errorf("%s is past its floor life (since %s)", lot, since)
	}
	return nil
}

// applyLineSide applies a line-side event; ok is false for other payloads.
func (c *checker) applyLineSide(ev *tracegraph.Event, p tracegraph.Payload) (ok bool, err error) {
	t := ev.Time
	switch d := p.(type) {
	case *tracegraph.RouteDefined:
		if len(d.Requires) == 0 {
			return true, fmt.Errorf("route of %s requires nothing", d.PartNumber)
		}
	case *tracegraph.SetupDefined:
		c.station(d.Station).setups[d.Setup] = d
	case *tracegraph.SetupActivated:
		st := c.station(d.Station)
		sd := st.setups[d.Setup]
		if sd == nil {
			return true, fmt.Errorf("setup %s is not defined on %s", d.Setup, d.Station)
		}
		for _, s := range sd.Slots {
			for _, r := range st.slots[s.Slot] {
				if c.lotPN[r.lot] != s.PartNumber {
					return true, fmt.Errorf("slot %s holds %s (%s), setup %s wants %s", s.Slot, r.lot, c.lotPN[r.lot], d.Setup, s.PartNumber)
				}
			}
		}
		st.active = sd
	case *tracegraph.FeederLoaded:
		st := c.station(d.Station)
		if err := c.exists(d.Lot, tracegraph.LabelMaterialLot); err != nil {
			return true, err
		}
		if st.active != nil {
			for _, s := range st.active.Slots {
				if s.Slot == d.Slot && s.PartNumber != c.lotPN[d.Lot] {
					return true, fmt.Errorf("WRONG_PART: %s on slot %s", d.Lot, d.Slot)
				}
			}
		}
		if err := c.usableLot(d.Lot, t); err != nil {
			return true, err
		}
		if _, ok := c.floor[d.Lot]; !ok {
			c.floor[d.Lot] = t
		}
		reels := st.slots[d.Slot]
		if ev.Type == tracegraph.EventFeederLoaded {
			reels = nil
		} else if len(reels) == 0 {
			return true, fmt.Errorf("splice onto the empty slot %s", d.Slot)
		} else if len(reels) > 1 {
			reels = reels[len(reels)-1:]
		}
		st.slots[d.Slot] = append(reels, ckReel{lot: d.Lot, from: t, spliced: ev.Type == tracegraph.EventFeederSpliced})
	case *tracegraph.FeederSlot:
		st := c.station(d.Station)
		if ev.Type == tracegraph.EventFeederUnloaded {
			delete(st.slots, d.Slot)
		} else if r := st.slots[d.Slot]; len(r) < 2 {
			return true, fmt.Errorf("splice.passed on slot %s without a splice", d.Slot)
		} else {
			st.slots[d.Slot] = r[len(r)-1:]
		}
	case *tracegraph.LotBaked:
		if err := c.exists(d.Lot, tracegraph.LabelMaterialLot); err != nil {
			return true, err
		}
		c.initLineSide()
		c.floor[d.Lot] = t
	case *tracegraph.UnitPlaced:
		if err := c.exists(d.Unit, tracegraph.LabelUnit); err != nil {
			return true, err
		}
		if c.scrapped[d.Unit] {
			return true, fmt.Errorf("%s is scrapped", d.Unit)
		}
		st := c.station(d.Station)
		if st.active == nil || st.active.PartNumber != c.unitPN[d.Unit] {
			return true, fmt.Errorf("%s (%s) placed on %s without its setup", d.Unit, c.unitPN[d.Unit], d.Station)
		}
		window := time.Duration(st.active.SpliceWindowSeconds) * time.Second
		for _, s := range st.active.Slots {
			var feeding []string
			reels := st.slots[s.Slot]
			for i, r := range reels {
				end := time.Time{}
				if window > 0 {
					for _, n := range reels[i+1:] {
						if n.spliced {
							end = n.from.Add(window)
							break
						}
					}
				}
				if !r.from.After(t) && (end.IsZero() || end.After(t)) {
					feeding = append(feeding, r.lot)
				}
			}
			if len(feeding) == 0 {
				return true, fmt.Errorf("slot %s of %s feeds nothing at %s", s.Slot, d.Station, t)
			}
			for _, lot := range feeding {
				if err := c.usableLot(lot, t); err != nil {
					return true, err
				}
			}
			c.consumed[d.Unit]++
			if len(feeding) == 1 {
				c.byPrec[tracegraph.PrecisionExact]++
			} else {
				c.byPrec[tracegraph.PrecisionCandidate] += len(feeding)
			}
			if s.PartNumber == c.watchPN {
				c.watched[d.Unit] = true
			}
		}
	default:
		return false, nil
	}
	return true, nil
}
