package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

// countingStore counts the node reads of a real store.
type countingStore struct {
	tracegraph.Store
	node, nodes atomic.Int64
}

func (c *countingStore) Node(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	c.node.Add(1)
	return c.Store.Node(ctx, id)
}

func (c *countingStore) Nodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	c.nodes.Add(1)
	return c.Store.Nodes(ctx, ids)
}

// TestEPCISNamesReadInBulk: the GS1 names of a page's nodes are read in a
// few bulk reads, not one read per node (a round trip each on Neo4j).
func TestEPCISNamesReadInBulk(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var b strings.Builder
	b.WriteString(`{"id":"p","type":"product.defined","time":"2026-03-01T05:00:00Z","data":{"partNumber":"900-V1","gtin":"09506000134352","name":"Vega"}}` + "\n")
	for i := range 60 {
		fmt.Fprintf(&b, `{"id":"u%d","type":"unit.created","time":"2026-03-01T06:00:00Z","data":{"serial":"SN-%02d","partNumber":"900-V1"}}`+"\n", i, i)
	}
	for box := range 3 {
		var items []string
		for i := box * 20; i < box*20+20; i++ {
			items = append(items, fmt.Sprintf(`"SN-%02d"`, i))
		}
		fmt.Fprintf(&b, `{"id":"b%d","type":"packed","time":"2026-03-01T07:00:00Z","data":{"container":"BOX-%d","containerType":"box","items":[%s],"sscc":"%s"}}`+"\n",
			box, box, strings.Join(items, ","), tracegraph.SSCCFor(0, fmt.Sprintf("40123450000000%02d", box)))
	}
	var evs []*tracegraph.Event
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		ev, err := tracegraph.DecodeEvent([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if outs, err := st.Apply(context.Background(), evs, tracegraph.ApplyOptions{Atomic: true}); err != nil || tracegraph.CountOutcomes(outs).Accepted != len(evs) {
		t.Fatalf("Apply = %v, %v", outs, err)
	}
	cs := &countingStore{Store: st}
	s, err := New(Config{Store: cs})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/epcis/events?perPage=100", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /epcis/events = %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	if units, boxes := strings.Count(body, "https://id.gs1.org/01/09506000134352/21/SN-"), strings.Count(body, "https://id.gs1.org/00/"); units != 120 || boxes != 3 {
		t.Errorf("the page names %d units and %d boxes by GS1 keys, want 120 (each created and packed) and 3", units, boxes)
	}
	if node, nodes := cs.node.Load(), cs.nodes.Load(); node != 0 || nodes > 2 {
		t.Errorf("naming 64 events' nodes read the store %d times one node at a time and %d in bulk; want none and at most 2", node, nodes)
	}
}
