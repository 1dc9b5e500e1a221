package embedded

import (
	"context"
	"reflect"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestPublishedNodesStayAsWritten: the node cache takes the nodes a commit
// wrote as the mutations hold them, without a copy. A generated factory is
// applied in pipelined groups (each projected over the one in flight, whose
// overlay shares those nodes); no node the cache held after the first half
// may change while the second half is applied, and at the end every cached
// node must be the node its record decodes to (a store without the cache).
func TestPublishedNodesStayAsWritten(t *testing.T) {
	events, _ := factoryEvents(t, 300, 7)
	ref, err := Open(t.TempDir(), Options{NodeCacheEntries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	s, err := Open(t.TempDir(), Options{NodeCacheEntries: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	half := len(events) / 2
	submitAll(t, s, events[:half])

	type kept struct{ cached, copy *tracegraph.Node }
	var first []kept
	s.cache.mu.Lock()
	for _, n := range s.cache.nodes {
		first = append(first, kept{n, n.Clone()})
	}
	s.cache.mu.Unlock()
	if len(first) == 0 {
		t.Fatal("the cache holds no node after the first half")
	}
	submitAll(t, s, events[half:])
	for _, k := range first {
		if !reflect.DeepEqual(k.cached, k.copy) {
			t.Fatalf("cached node %s changed after it was published:\n%+v\nwas\n%+v", k.copy.ID, k.cached, k.copy)
		}
	}

	refEvents, _ := factoryEvents(t, 300, 7)
	submitAll(t, ref, refEvents)
	s.cache.mu.Lock()
	cached := make(map[tracegraph.ID]*tracegraph.Node, len(s.cache.nodes))
	for id, n := range s.cache.nodes {
		cached[id] = n
	}
	s.cache.mu.Unlock()
	if len(cached) < len(first) {
		t.Fatalf("the cache holds %d nodes at the end, fewer than the %d after the first half", len(cached), len(first))
	}
	for id, n := range cached {
		want, err := ref.viewNode(id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(n, want) {
			t.Errorf("cached node %s:\n%+v\nits record:\n%+v", id, n, want)
		}
	}
}

// submitAll submits events to s in batches of 50, up to 32 batches in
// flight (so that the writer gathers groups and projects each over the one
// in flight), every one accepted.
func submitAll(t *testing.T, s *Store, events []*tracegraph.Event) {
	t.Helper()
	var waits []func() ([]tracegraph.Outcome, error)
	wait := func() {
		waitAccepted(t, waits[0])
		waits = waits[1:]
	}
	for len(events) > 0 {
		n := min(len(events), 50)
		if len(waits) == 32 {
			wait()
		}
		waits = append(waits, s.Submit(context.Background(), events[:n], tracegraph.ApplyOptions{}))
		events = events[n:]
	}
	for len(waits) > 0 {
		wait()
	}
}
