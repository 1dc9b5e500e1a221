package tracegraph

import (
	"strings"
	"testing"
)

// TestDurationBounds: floorLifeHours above ten years and
// spliceWindowSeconds above a day are refused however large (1e300 hours
// and 9223372037 seconds overflowed the Duration they were compared as, and
// passed).
func TestDurationBounds(t *testing.T) {
	for _, tc := range []struct {
		hours string
		ok    bool
	}{
		{"168", true}, {"87600", true}, {"87601", false}, {"1e300", false}, {"9007199254740993", false}, {"0", false},
	} {
		b := `{"id":"l","type":"lot.received","time":"2026-01-01T00:00:00Z","data":{"lot":"L","partNumber":"P","msl":"3","floorLifeHours":` + tc.hours + `}}`
		_, err := DecodeEvent([]byte(b))
		if tc.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), "floorLifeHours") {
			t.Errorf("floorLifeHours %s: DecodeEvent = %v, want ok %v", tc.hours, err, tc.ok)
		}
	}
	for _, tc := range []struct {
		seconds string
		ok      bool
	}{
		{"86400", true}, {"86401", false}, {"9223372037", false}, {"-1", false},
	} {
		b := `{"id":"s","type":"setup.defined","time":"2026-01-01T00:00:00Z","data":{"setup":"S","station":"M","partNumber":"P","slots":[{"slot":"1","partNumber":"Q","refDes":["R1"]}],"spliceWindowSeconds":` + tc.seconds + `}}`
		_, err := DecodeEvent([]byte(b))
		if tc.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), "spliceWindowSeconds") {
			t.Errorf("spliceWindowSeconds %s: DecodeEvent = %v, want ok %v", tc.seconds, err, tc.ok)
		}
	}
}
