package tracegraph

import (
	"strconv"
	"time"
)

// setupDefined decodes setup.defined's data as SetupDefined.UnmarshalJSON
// does, for fastPayload: slots is an empty list, not nil, when absent (the
// strict decoder makes the list from its elements), and each slot must be
// an object (null is left to the strict decoder).
func (s *fastScan) setupDefined(v *SetupDefined) bool {
	ok := s.object(func(k []byte) bool {
		switch string(k) {
		case "setup":
			return s.str(&v.Setup)
		case "station":
			return s.str(&v.Station)
		case "partNumber":
			return s.str(&v.PartNumber)
		case "spliceWindowSeconds":
			return s.int64(&v.SpliceWindowSeconds)
		case "slots":
			v.Slots = []SetupSlot{}
			return s.array(func() bool {
				var slot SetupSlot
				ok := s.object(func(k []byte) bool {
					switch string(k) {
					case "slot":
						return s.str(&slot.Slot)
					case "partNumber":
						return s.str(&slot.PartNumber)
					case "refDes":
						return s.strs(&slot.RefDes)
					case "spliceWindowSeconds":
						return s.int64(&slot.SpliceWindowSeconds)
					}
					return false
				})
				v.Slots = append(v.Slots, slot)
				return ok
			})
		}
		return false
	})
	if v.Slots == nil {
		v.Slots = []SetupSlot{}
	}
	return ok
}

// int64 reads an integer as encoding/json decodes one into an int64: a
// number without fraction or exponent that fits (anything else is left to
// the strict decoder, which words the refusal).
func (s *fastScan) int64(dst *int64) bool {
	s.space()
	start := s.i
	if !s.intPart() {
		return false
	}
	n, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	*dst = n
	return err == nil
}

// lotReceived decodes lot.received's data for fastPayload.
func (s *fastScan) lotReceived(v *LotReceived) bool {
	return s.object(func(k []byte) bool {
		switch string(k) {
		case "lot":
			return s.str(&v.Lot)
		case "partNumber":
			return s.str(&v.PartNumber)
		case "mpn":
			return s.str(&v.MPN)
		case "manufacturer":
			return s.str(&v.Manufacturer)
		case "supplier":
			return s.str(&v.Supplier)
		case "dateCode":
			return s.str(&v.DateCode)
		case "quantity":
			v.Quantity = new(float64)
			return s.num(v.Quantity)
		case "countryOfOrigin":
			return s.str(&v.CountryOfOrigin)
		case "expiresAt":
			v.ExpiresAt = new(time.Time)
			return s.time(v.ExpiresAt)
		case "msl":
			return s.str(&v.MSL)
		case "floorLifeHours":
			v.FloorLifeHours = new(float64)
			return s.num(v.FloorLifeHours)
		case "openedAt":
			v.OpenedAt = new(time.Time)
			return s.time(v.OpenedAt)
		case "derivedFrom":
			return s.strs(&v.DerivedFrom)
		}
		return false
	})
}

// strFields decodes an object of string fields only: names lists their
// keys, dst the strings they go to.
func (s *fastScan) strFields(names []string, dst ...*string) bool {
	return s.object(func(k []byte) bool {
		for i, n := range names {
			if string(k) == n {
				return s.str(dst[i])
			}
		}
		return false
	})
}
