package server

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

// countedRecords is an embedded store that counts the reads of its records.
type countedRecords struct {
	*embedded.Store
	reads atomic.Int64
}

func (c *countedRecords) EventRecords(ctx context.Context, after uint64, limit int, fn func(rec []byte) error) error {
	c.reads.Add(1)
	return c.Store.EventRecords(ctx, after, limit, fn)
}

// TestFollowSettlesChanges: the changes announced within the settle time
// are read together (one pass over the log: a page, then the empty page
// that ends it), and a change after that is read too.
func TestFollowSettlesChanges(t *testing.T) {
	st, evs := loadFollowFactory(t, 20)
	store := &countedRecords{Store: st}
	b := newBusiness(store, time.Hour)
	b.settle = 500 * time.Millisecond
	changes := make(chan uint64, 8)
	for range cap(changes) {
		changes <- uint64(len(evs))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.follow(ctx, changes, 0)
	}()
	defer func() { cancel(); <-done }()
	waitHead := func(want uint64) {
		t.Helper()
		var head float64
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, vals := gather(t, b); vals["tracegraph_log_head_seq{}"] == float64(want) {
				return
			} else {
				head = vals["tracegraph_log_head_seq{}"]
			}
		}
		t.Fatalf("head %v, want %d", head, want)
	}
	waitHead(uint64(len(evs)))
	if n := store.reads.Load(); n != 2 {
		t.Fatalf("%d reads of the log for %d changes at once, want 2 (a page, the empty page)", n, cap(changes))
	}
	last := evs[len(evs)-1]
	ev := &tracegraph.Event{ID: "x-settle", Type: tracegraph.EventUnitCreated, Time: last.Time.Add(time.Second),
		Data: []byte(`{"serial":"SETTLE-1","partNumber":"PN-1"}`)}
	if outs, err := st.Apply(ctx, []*tracegraph.Event{ev}, tracegraph.ApplyOptions{}); err != nil || outs[0].Status != tracegraph.OutcomeAccepted {
		t.Fatalf("%v %v", outs, err)
	}
	changes <- uint64(len(evs) + 1)
	waitHead(uint64(len(evs) + 1))
}
