// The payloads of the line-side events: setups, feeder slots, splices,
// placements, routes and moisture-sensitive material (docs/events.md, "Line side").

package tracegraph

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The line-side event types.
const (
	EventSetupDefined   EventType = "setup.defined"
	EventSetupActivated EventType = "setup.activated"
	EventFeederLoaded   EventType = "feeder.loaded"
	EventFeederUnloaded EventType = "feeder.unloaded"
	EventFeederSpliced  EventType = "feeder.spliced"
	EventSplicePassed   EventType = "splice.passed"
	EventUnitPlaced     EventType = "unit.placed"
	EventRouteDefined   EventType = "route.defined"
	EventLotBaked       EventType = "lot.baked"
)

// Limits of the line-side events.
const (
	// MaxSpliceWindow bounds spliceWindowSeconds: a splice that has not
	// passed after a day is a line that needs a person, not a window.
	MaxSpliceWindow = 24 * time.Hour
	// MaxFloorLife bounds floorLifeHours: ten years.
	MaxFloorLife = 10 * 365 * 24 * time.Hour
)

// SetupDefined is the data of setup.defined: which part feeds which
// reference designators from which slot of a station, for one product.
// Defining a setup again (the same setup id) replaces it; a station that
// runs it uses the new definition from then on.
//
// SpliceWindowSeconds (optional, also per slot, the slot's wins) is how long
// after a feeder.spliced both reels count as CANDIDATE for a placement when
// no splice.passed comes. Without one, both reels stay CANDIDATE until the
// slot's splice.passed, feeder.unloaded or next splice.
type SetupDefined struct {
	Setup               string      `json:"setup"`
	Station             string      `json:"station"`
	PartNumber          string      `json:"partNumber"`
	Slots               []SetupSlot `json:"slots"`
	SpliceWindowSeconds int64       `json:"spliceWindowSeconds,omitempty"`
}

// SetupSlot is one feeder slot of a setup.
type SetupSlot struct {
	Slot                string   `json:"slot"`
	PartNumber          string   `json:"partNumber"`
	RefDes              []string `json:"refDes"`
	SpliceWindowSeconds int64    `json:"spliceWindowSeconds,omitempty"`
}

// UnmarshalJSON decodes strictly, naming a bad slot's field with its index
// (data.slots[2].feeder), which a plain decoder cannot.
func (p *SetupDefined) UnmarshalJSON(b []byte) error {
	type plain SetupDefined
	var raw struct {
		plain
		Slots []json.RawMessage `json:"slots"`
	}
	if err := strictUnmarshal(b, &raw); err != nil {
		// The decoder names the fields of the embedded struct plain.x.
		e := *err.(*Error)
		e.Field = strings.TrimPrefix(e.Field, "plain.")
		e.Message = strings.ReplaceAll(e.Message, "plain.", "")
		return &e
	}
	*p = SetupDefined(raw.plain)
	p.Slots = make([]SetupSlot, len(raw.Slots))
	for i, s := range raw.Slots {
		if err := strictUnmarshal(s, &p.Slots[i]); err != nil {
			return err.(*Error).withField(fmt.Sprintf("slots[%d]", i))
		}
	}
	return nil
}

func (p *SetupDefined) validate() *Error {
	if err := firstErr(key("setup", p.Setup), key("station", p.Station), text("partNumber", p.PartNumber, true),
		spliceWindow("spliceWindowSeconds", p.SpliceWindowSeconds)); err != nil {
		return err
	}
	if len(p.Slots) == 0 {
		return Errorf(CodeInvalid, "slots", "slots is required: which part feeds which refDes from which slot")
	}
	if len(p.Slots) > MaxListLen {
		return Errorf(CodeInvalid, "slots", "slots has more than %d entries", MaxListLen)
	}
	slots := make(map[string]bool, len(p.Slots))
	refDes := map[string]string{}
	for i, s := range p.Slots {
		// The slot is named (slots[i]) only when it is refused.
		name := func() string { return fmt.Sprintf("slots[%d]", i) }
		if s.checkFields("") != nil {
			return s.checkFields(name())
		}
		if slots[s.Slot] {
			return Errorf(CodeInvalid, name()+".slot", "slot %q is listed twice", s.Slot)
		}
		slots[s.Slot] = true
		if len(s.RefDes) == 0 {
			return Errorf(CodeInvalid, name()+".refDes", "%s.refDes is required: the reference designators the slot feeds", name())
		}
		if texts("", s.RefDes) != nil {
			return texts(name()+".refDes", s.RefDes)
		}
		for j, r := range s.RefDes {
			if other, ok := refDes[r]; ok {
				return Errorf(CodeInvalid, fmt.Sprintf("%s.refDes[%d]", name(), j), "refDes %q is fed from slots %q and %q; one refDes takes one slot", r, other, s.Slot)
			}
			refDes[r] = s.Slot
		}
	}
	return nil
}

// checkFields checks the slot's own fields, the slot named f (slots[i]).
func (s *SetupSlot) checkFields(f string) *Error {
	return firstErr(key(f+".slot", s.Slot), text(f+".partNumber", s.PartNumber, true),
		spliceWindow(f+".spliceWindowSeconds", s.SpliceWindowSeconds))
}

// Window returns the splice window of slot i: its own, the setup's, or 0
// (none: CANDIDATE until the splice passes).
func (p *SetupDefined) Window(i int) time.Duration {
	if s := p.Slots[i].SpliceWindowSeconds; s > 0 {
		return time.Duration(s) * time.Second
	}
	return time.Duration(p.SpliceWindowSeconds) * time.Second
}

func spliceWindow(field string, s int64) *Error {
	// Compared in seconds: a huge number of seconds overflows a Duration.
	if s < 0 || s > int64(MaxSpliceWindow/time.Second) {
		return Errorf(CodeInvalid, field, "%s must be a whole number of seconds from 1 to %d (omit it for none)", field, int64(MaxSpliceWindow/time.Second))
	}
	return nil
}

// SetupActivated is the data of setup.activated: the station runs the setup
// from the event's time on.
type SetupActivated struct {
	Station string `json:"station"`
	Setup   string `json:"setup"`
}

func (p *SetupActivated) validate() *Error {
	return firstErr(key("station", p.Station), key("setup", p.Setup))
}

// FeederLoaded is the data of feeder.loaded (a reel put on an empty slot, or
// replacing the one there) and feeder.spliced (a new reel spliced behind the
// running one).
type FeederLoaded struct {
	Station string `json:"station"`
	Slot    string `json:"slot"`
	Lot     string `json:"lot"`
}

func (p *FeederLoaded) validate() *Error {
	return firstErr(key("station", p.Station), key("slot", p.Slot), ref("lot", p.Lot))
}

// FeederSlot is the data of feeder.unloaded (the slot's reels came off) and
// splice.passed (the splice point reached the pick position: the old reel is
// used up).
type FeederSlot struct {
	Station string `json:"station"`
	Slot    string `json:"slot"`
}

func (p *FeederSlot) validate() *Error {
	return firstErr(key("station", p.Station), key("slot", p.Slot))
}

// UnitPlaced is the data of unit.placed: the unit went through the station
// at the event's time. tracegraph derives its CONSUMED edges from the
// station's active setup and its feeder slots.
type UnitPlaced struct {
	Unit    string `json:"unit"`
	Station string `json:"station"`
}

func (p *UnitPlaced) validate() *Error {
	return firstErr(ref("unit", p.Unit), key("station", p.Station))
}

// RouteDefined is the data of route.defined: the test types (upper-cased,
// like test.recorded's testType) whose latest result a unit of the part
// number must have passed before it is packed or shipped. A later
// route.defined for the part number replaces it.
type RouteDefined struct {
	PartNumber string   `json:"partNumber"`
	Requires   []string `json:"requires"`
}

func (p *RouteDefined) validate() *Error {
	// The part number names the route (Route:partNumber): a key.
	if err := key("partNumber", p.PartNumber); err != nil {
		return err
	}
	if len(p.Requires) == 0 {
		return Errorf(CodeInvalid, "requires", "requires is required: the test types a unit must pass (e.g. [\"AOI\",\"FCT\"])")
	}
	if err := texts("requires", p.Requires); err != nil {
		return err
	}
	seen := make(map[string]bool, len(p.Requires))
	for i, r := range p.Requires {
		r = strings.ToUpper(r)
		if seen[r] {
			return Errorf(CodeInvalid, fmt.Sprintf("requires[%d]", i), "test type %q is listed twice", r)
		}
		seen[r] = true
		p.Requires[i] = r
	}
	return nil
}

// LotBaked is the data of lot.baked: a moisture-sensitive lot was baked dry
// (J-STD-033), which restarts its floor life at the bake.
type LotBaked struct {
	Lot string `json:"lot"`
}

func (p *LotBaked) validate() *Error { return ref("lot", p.Lot) }

// The moisture sensitivity levels of J-STD-033 and their floor life at
// ≤ 30 °C / 60 % RH. Level 1 is unlimited (0 here); level 6 must be baked
// before use and has the floor life on its label (floorLifeHours).
var mslFloorLife = map[string]time.Duration{
	"1": 0, "2": 365 * 24 * time.Hour, "2a": 4 * 7 * 24 * time.Hour, "3": 168 * time.Hour,
	"4": 72 * time.Hour, "5": 48 * time.Hour, "5a": 24 * time.Hour, "6": 0,
}

// MSLLevels lists the moisture sensitivity levels lot.received takes.
func MSLLevels() []string { return []string{"1", "2", "2a", "3", "4", "5", "5a", "6"} }

// checkMoisture is LotReceived's checkCurrent part for moisture sensitivity:
// a new msl is a J-STD-033 level, and level 6 gives its floor life.
// (Lots recorded before this rule may carry any text as msl; FloorLife reads
// what it can of them.)
func (p *LotReceived) checkMoisture() *Error {
	if p.MSL != "" {
		if _, ok := mslFloorLife[p.MSL]; !ok {
			return Errorf(CodeInvalid, "msl", "msl %q is not a J-STD-033 level (one of %s)", p.MSL, strings.Join(MSLLevels(), ", "))
		}
	}
	if p.MSL == "6" && p.FloorLifeHours == nil {
		return Errorf(CodeInvalid, "floorLifeHours", "an MSL 6 lot needs floorLifeHours: the time on its label")
	}
	if p.FloorLifeHours != nil && p.MSL == "" {
		return Errorf(CodeInvalid, "floorLifeHours", "floorLifeHours is for a moisture-sensitive lot: give its msl too")
	}
	return nil
}

// checkCurrent applies the rules new lot.received events follow.
func (p *LotReceived) checkCurrent() *Error { return p.checkMoisture() }

func (p *LotReceived) validateMoisture() *Error {
	if p.FloorLifeHours != nil {
		h := *p.FloorLifeHours
		// Compared in hours: a huge number of hours overflows a Duration.
		if h <= 0 || h > float64(MaxFloorLife/time.Hour) {
			return Errorf(CodeInvalid, "floorLifeHours", "floorLifeHours must be a number of hours above 0 and at most %d", int64(MaxFloorLife/time.Hour))
		}
	}
	if p.OpenedAt != nil {
		t := p.OpenedAt.UTC()
		if err := checkTime("openedAt", t); err != nil {
			return err
		}
		p.OpenedAt = &t
	}
	return nil
}

// FloorLife returns how long a lot with this msl and floor life override
// may be out of dry storage, and whether it is limited at all. An unknown
// msl (recorded before levels were checked) with no override is unlimited.
func FloorLife(msl string, floorLifeHours *float64) (time.Duration, bool) {
	if floorLifeHours != nil {
		return time.Duration(*floorLifeHours * float64(time.Hour)), true
	}
	d := mslFloorLife[strings.ToLower(msl)]
	return d, d > 0
}
