package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/tracegraph/tracegraph"
)

const serialsFixture = `
0 def-mt  product.defined {"partNumber":"MT-100","name":"Meter"}
0 sch-mt  serials.scheme  {"partNumber":"MT-100","pattern":"MT{yy}{ww}{seq:6}{luhn}"}
0 def-gw  product.defined {"partNumber":"GW-7","name":"Gateway"}
0 sch-gw  serials.scheme  {"partNumber":"GW-7","pattern":"GW{site}-{seq:4}","site":"B2","mode":"open"}
`

// allocate asks for n serials under request id req at minute m.
func allocate(t *testing.T, s tracegraph.Store, pn string, n int, req string, m int) *tracegraph.Allocation {
	t.Helper()
	a, err := tracegraph.AllocateSerials(bg, s, tracegraph.AllocationRequest{PartNumber: pn, Count: n, Request: req, Time: At(m)})
	if err != nil {
		t.Fatalf("AllocateSerials(%s, %d, %s) error: %v", pn, n, req, err)
	}
	return a
}

// testSerials: schemes, allocation (next serials, dated at allocation
// time, a repeated request answered the same), and the strict check of
// unit.created.
func testSerials(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, serialsFixture)
	// 2026-03-02 is in ISO week 10.
	a := allocate(t, s, "MT-100", 3, "rq-1", 1)
	if want := []string{"MT2610000001" + luhn("2610000001"), "MT2610000002" + luhn("2610000002"), "MT2610000003" + luhn("2610000003")}; !slices.Equal(a.Serials, want) || a.First != 1 || a.Repeated {
		t.Fatalf("AllocateSerials(MT-100, 3) = %+v, want %v from 1", a, want)
	}
	if !a.AllocatedAt.Equal(At(1)) {
		t.Errorf("AllocatedAt = %s, want %s", a.AllocatedAt, At(1))
	}
	// The same request again: the same serials, nothing new issued.
	again := allocate(t, s, "MT-100", 3, "rq-1", 2)
	if !slices.Equal(again.Serials, a.Serials) || !again.Repeated || again.Seq != a.Seq || !again.AllocatedAt.Equal(At(1)) {
		t.Errorf("repeated AllocateSerials = %+v, want the first answer %+v, repeated", again, a)
	}
	// A week later the date parts move on, the sequence continues.
	b := allocate(t, s, "MT-100", 2, "rq-2", 7*24*60)
	if want := "MT2611000004" + luhn("2611000004"); b.First != 4 || b.Serials[0] != want {
		t.Errorf("AllocateSerials a week later = %+v, want %s first (seq 4)", b, want)
	}
	ev, err := s.Event(bg, "rq-2")
	if err != nil {
		t.Fatalf("Event(rq-2) error: %v", err)
	}
	if want := fmt.Sprintf(`{"partNumber":"MT-100","count":2,"first":4,"serials":["%s","%s"]}`, b.Serials[0], b.Serials[1]); string(ev.Data) != want {
		t.Errorf("Event(rq-2).Data = %s, want %s", ev.Data, want)
	}
	p := node(t, s, "Product:MT-100")
	if issued, next := tracegraph.SerialsIssued(p); issued != 5 || next != 6 {
		t.Errorf("SerialsIssued(Product:MT-100) = %d, %d; want 5, 6", issued, next)
	}

	// Refusals change nothing.
	before := snapshot(t, s, ids("Product:MT-100", "Product:GW-7"))
	for _, tt := range []struct {
		req   tracegraph.AllocationRequest
		code  tracegraph.Code
		field string
	}{
		{tracegraph.AllocationRequest{PartNumber: "MT-100", Count: 4, Request: "rq-1"}, tracegraph.CodeConflict, "request"},
		{tracegraph.AllocationRequest{PartNumber: "GW-7", Count: 3, Request: "rq-1"}, tracegraph.CodeConflict, "request"},
		{tracegraph.AllocationRequest{PartNumber: "MT-100", Count: 1, Request: "def-mt"}, tracegraph.CodeConflict, "request"},
		{tracegraph.AllocationRequest{PartNumber: "NOPE", Count: 1, Request: "rq-x"}, tracegraph.CodeNotFound, "partNumber"},
		{tracegraph.AllocationRequest{PartNumber: "MT-100", Count: 0, Request: "rq-x"}, tracegraph.CodeInvalid, "count"},
		{tracegraph.AllocationRequest{PartNumber: "MT-100", Count: 10001, Request: "rq-x"}, tracegraph.CodeInvalid, "count"},
		{tracegraph.AllocationRequest{PartNumber: "MT-100", Count: 1}, tracegraph.CodeInvalid, "request"},
		{tracegraph.AllocationRequest{PartNumber: "GW-7", Count: 10000, Request: "rq-x"}, tracegraph.CodeLimit, "count"},
	} {
		tt.req.Time = At(9000)
		_, err := tracegraph.AllocateSerials(bg, s, tt.req)
		if e := tracegraph.AsError(err); err == nil || e.Code != tt.code || e.Field != tt.field {
			t.Errorf("AllocateSerials(%+v) = %v, want %s on %s", tt.req, err, tt.code, tt.field)
		}
	}
	refuse(t, s, parse(t, `9000 v-rq event.voided {"event":"rq-1","reason":"r"}`)[0], tracegraph.CodeInvalid, "data.event")
	refuse(t, s, parse(t, `9000 v-sch event.voided {"event":"sch-mt","reason":"r"}`)[0], tracegraph.CodeInvalid, "data.event")
	// A recorded allocation replayed elsewhere must be the one the rules issue.
	refuse(t, s, parse(t, `9000 rq-9 serials.allocated {"partNumber":"MT-100","count":1,"first":5,"serials":["MT2610000005`+luhn("2610000005")+`"]}`)[0], tracegraph.CodeConflict, "data.serials")
	unchanged(t, "the refusals", before, snapshot(t, s, ids("Product:MT-100", "Product:GW-7")))

	// Strict: a unit must have an allocated serial, once.
	refuse(t, s, parse(t, `9000 mk-x unit.created {"serial":"MT2610000009`+luhn("2610000009")+`","partNumber":"MT-100"}`)[0], tracegraph.CodeNotAllocated, "data.serial")
	refuse(t, s, parse(t, `9000 mk-y unit.created {"serial":"MT2611000001`+luhn("2611000001")+`","partNumber":"MT-100"}`)[0], tracegraph.CodeNotAllocated, "data.serial")
	refuse(t, s, parse(t, `9000 mk-z unit.created {"serial":"ANY-1","partNumber":"MT-100"}`)[0], tracegraph.CodeNotAllocated, "data.serial")
	mustApply(t, s, parse(t, `9000 mk-1 unit.created {"serial":"`+a.Serials[0]+`","partNumber":"MT-100"}`)...)
	refuse(t, s, parse(t, `9000 mk-2 unit.created {"serial":"`+a.Serials[0]+`","partNumber":"MT-100"}`)[0], tracegraph.CodeConflict, "data.serial")
	mustApply(t, s, parse(t, `9000 mk-3 unit.created {"serial":"`+b.Serials[1]+`","partNumber":"MT-100"}`)...)
	// Open: anything goes; another part number is not checked.
	mustApply(t, s, parse(t, `
		9000 mk-4 unit.created {"serial":"ANY-2","partNumber":"GW-7"}
		9000 mk-5 unit.created {"serial":"ANY-3","partNumber":"NO-SCHEME"}`)...)
	// A scheme made open lets anything in; the sequence continues.
	mustApply(t, s, parse(t, `9001 sch-mt2 serials.scheme {"partNumber":"MT-100","pattern":"M{yyyy}{seq:6}{mod11}","mode":"open"}`)...)
	mustApply(t, s, parse(t, `9001 mk-6 unit.created {"serial":"ANY-4","partNumber":"MT-100"}`)...)
	c := allocate(t, s, "MT-100", 1, "rq-3", 9001)
	if c.First != 6 || len(c.Serials[0]) != len("M2026000006")+1 {
		t.Errorf("AllocateSerials after a new scheme = %+v, want seq 6 under M{yyyy}{seq:6}{mod11}", c)
	}
	// Redefining the product keeps the scheme and the counter.
	mustApply(t, s, parse(t, `9002 def-mt2 product.defined {"partNumber":"MT-100","name":"Meter 2"}`)...)
	if d := allocate(t, s, "MT-100", 1, "rq-4", 9002); d.First != 7 {
		t.Errorf("AllocateSerials after a redefinition = %+v, want seq 7", d)
	}
	// Schemes need a defined product and a valid pattern.
	refuse(t, s, parse(t, `9003 sch-x serials.scheme {"partNumber":"NOPE","pattern":"N{seq:3}"}`)[0], tracegraph.CodeNotFound, "data.partNumber")
	if _, err := ParseEvents(`9003 sch-y serials.scheme {"partNumber":"MT-100","pattern":"N{seq:3}{luhn}X"}`); err == nil {
		t.Errorf("serials.scheme with a bad pattern decoded, want INVALID")
	}
}

// luhn returns the Luhn check digit of the digits s, as a string.
func luhn(s string) string { return string(tracegraph.LuhnDigit(s)) }

// testSerialsConcurrent: many concurrent allocations, some sent twice,
// issue every serial once and leave no gap; the counter says how many.
func testSerialsConcurrent(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, serialsFixture)
	const callers = 1000
	type answer struct {
		a   *tracegraph.Allocation
		err error
	}
	answers := make([]answer, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every tenth caller repeats the request of the one before it.
			req := fmt.Sprintf("rq-%d", i)
			if i%10 == 9 {
				req = fmt.Sprintf("rq-%d", i-1)
			}
			n := 1 + (i/10*10)%3
			if i%10 == 9 {
				n = 1 + ((i-1)/10*10)%3
			}
			a, err := tracegraph.AllocateSerials(bg, s, tracegraph.AllocationRequest{PartNumber: "MT-100", Count: n, Request: req, Time: At(1)})
			answers[i] = answer{a, err}
		}()
	}
	wg.Wait()
	p, _ := tracegraph.ParseSerialPattern("MT{yy}{ww}{seq:6}{luhn}", "")
	bySerial := map[string]string{}
	byRequest := map[string][]string{}
	var seqs []uint64
	for i, an := range answers {
		if an.err != nil {
			t.Fatalf("caller %d: AllocateSerials error: %v", i, an.err)
		}
		a := an.a
		if prev, ok := byRequest[a.Request]; ok {
			if !slices.Equal(prev, a.Serials) {
				t.Errorf("request %s answered %v and %v", a.Request, prev, a.Serials)
			}
			continue
		}
		byRequest[a.Request] = a.Serials
		for k, sn := range a.Serials {
			if other, dup := bySerial[sn]; dup {
				t.Fatalf("serial %s issued to %s and %s", sn, other, a.Request)
			}
			bySerial[sn] = a.Request
			seq, _, ok := p.Match(sn)
			if !ok || seq != a.First+uint64(k) {
				t.Errorf("request %s serial %d = %s (seq %d, %v), want seq %d", a.Request, k, sn, seq, ok, a.First+uint64(k))
			}
			seqs = append(seqs, seq)
		}
	}
	slices.Sort(seqs)
	for i, q := range seqs {
		if q != uint64(i+1) {
			t.Fatalf("sequence numbers issued: #%d is %d, want %d (a gap or a repeat)", i, q, i+1)
		}
	}
	issued, next := tracegraph.SerialsIssued(node(t, s, "Product:MT-100"))
	if issued != uint64(len(seqs)) || next != uint64(len(seqs))+1 || len(byRequest) != callers-callers/10 {
		t.Errorf("after %d requests: SerialsIssued = %d, next %d; want %d, %d", len(byRequest), issued, next, len(seqs), len(seqs)+1)
	}
	t.Logf("%d callers, %d requests, %d serials issued, no repeat, no gap", callers, len(byRequest), len(seqs))
}
