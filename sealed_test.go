package tracegraph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

func TestCheckContinues(t *testing.T) {
	mk := func(n int) []*tracegraph.Event {
		var evs []*tracegraph.Event
		prev := ""
		for i := 1; i <= n; i++ {
			ev := &tracegraph.Event{ID: fmt.Sprint("e", i), Type: tracegraph.EventWaferRegistered, Time: time.Unix(int64(i), 0).UTC(),
				Data: []byte(fmt.Sprintf(`{"waferBatch":"W%d"}`, i))}
			ev.Seal(uint64(i), time.Unix(100, 0), prev)
			prev = ev.Hash
			evs = append(evs, ev)
		}
		return evs
	}
	evs := mk(3)
	if err := tracegraph.CheckContinues(evs, 0, ""); err != nil {
		t.Errorf("tracegraph.CheckContinues(intact) = %v", err)
	}
	if err := tracegraph.CheckContinues(evs[1:], 1, evs[0].Hash); err != nil {
		t.Errorf("tracegraph.CheckContinues(resumed) = %v", err)
	}
	if err := tracegraph.CheckContinues(evs[1:], 0, ""); err == nil {
		t.Error("tracegraph.CheckContinues(gap): no error")
	}
	altered := mk(3)
	altered[1].Station = "X"
	if err := tracegraph.CheckContinues(altered, 0, ""); err == nil {
		t.Error("tracegraph.CheckContinues(altered): no error")
	}
	if err := tracegraph.CheckContinues(evs, 0, "other"); err == nil {
		t.Error("tracegraph.CheckContinues(wrong head hash): no error")
	}
}
