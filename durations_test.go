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
	const (
		lot   = `{"id":"l","type":"lot.received","time":"2026-01-01T00:00:00Z","data":{"lot":"L","partNumber":"P","msl":"3","floorLifeHours":%s}}`
		setup = `{"id":"s","type":"setup.defined","time":"2026-01-01T00:00:00Z","data":{"setup":"S","station":"M","partNumber":"P","slots":[{"slot":"1","partNumber":"Q","refDes":["R1"]}],"spliceWindowSeconds":%s}}`
	)
	tests := []struct {
		event, field, value string
		ok                  bool
	}{
		{lot, "floorLifeHours", "168", true}, {lot, "floorLifeHours", "87600", true},
		{lot, "floorLifeHours", "87601", false}, {lot, "floorLifeHours", "1e300", false},
		{lot, "floorLifeHours", "9007199254740993", false}, {lot, "floorLifeHours", "0", false},
		{setup, "spliceWindowSeconds", "86400", true}, {setup, "spliceWindowSeconds", "86401", false},
		{setup, "spliceWindowSeconds", "9223372037", false}, {setup, "spliceWindowSeconds", "-1", false},
	}
	for _, tt := range tests {
		_, err := DecodeEvent([]byte(strings.Replace(tt.event, "%s", tt.value, 1)))
		if tt.ok != (err == nil) || err != nil && AsError(err).Field != "data."+tt.field {
			t.Errorf("%s %s: DecodeEvent = %v, want ok %v", tt.field, tt.value, err, tt.ok)
		}
	}
}
