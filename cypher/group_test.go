package cypher

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/internal/testserver"
	"github.com/tracegraph/tracegraph/storetest"
)

// openClocked opens an emptied store whose clock starts at start and moves
// one second at each reading (so each commit has its own recordedAt).
func openClocked(t *testing.T, start time.Time) *Store {
	t.Helper()
	ctx := context.Background()
	if err := testserver.Erase(ctx, testserver.Get(t)); err != nil {
		t.Fatal(err)
	}
	cfg := neo4jConfig(t)
	var mu sync.Mutex
	now := start
	cfg.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// groupBatch is one Apply of TestGroupCommitAsOneAfterAnother.
type groupBatch struct {
	fixture string
	atomic  bool
}

// groupBatches depend on each other: an atomic batch refused as a whole
// (its unit must not exist for the batches after it), duplicates and an id
// reused with other content of events earlier in the group, events on
// units made earlier in the group, and an atomic batch accepted whole.
var groupBatches = []groupBatch{
	{fixture: `
		1 mk-u1   unit.created       {"serial":"U1","partNumber":"PCBA-1"}
		2 use-u1  material.consumed  {"unit":"U1","lot":"L1"}`},
	{atomic: true, fixture: `
		1 mk-u2   unit.created       {"serial":"U2","partNumber":"PCBA-1"}
		2 use-u2  material.consumed  {"unit":"U2","lot":"NOPE"}`},
	{fixture: `
		3 use-u2b material.consumed  {"unit":"U2","lot":"L1"}
		3 mk-u3   unit.created       {"serial":"U3","partNumber":"PCBA-1"}`},
	{fixture: `
		1 mk-u1   unit.created       {"serial":"U1","partNumber":"PCBA-1"}
		4 mk-u3   unit.created       {"serial":"U3X","partNumber":"PCBA-1"}
		4 mk-u2   unit.created       {"serial":"U2","partNumber":"PCBA-1"}`},
	{fixture: `
		5 scrap-u1 unit.scrapped     {"unit":"U1","reason":"dropped"}`},
	{atomic: true, fixture: `
		6 mk-u4   unit.created       {"serial":"U4","partNumber":"PCBA-1"}
		6 use-u4  material.consumed  {"unit":"U4","lot":"L1"}
		6 use-u2c material.consumed  {"unit":"U2","lot":"L1"}`},
}

// TestGroupCommitAsOneAfterAnother applies batches that depend on each other
// one Apply after another and, on an emptied database, as one group (one
// transaction): the outcomes and the log's events and seqs are the same,
// and Verify, replaying each log, finds each graph its projection.
func TestGroupCommitAsOneAfterAnother(t *testing.T) {
	ctx := context.Background()
	lot, err := storetest.ParseEvents(`0 rcv-l1 lot.received {"lot":"L1","partNumber":"R-10K","supplier":"ACME"}`)
	if err != nil {
		t.Fatal(err)
	}
	batches := make([][]*tracegraph.Event, len(groupBatches))
	for i, b := range groupBatches {
		if batches[i], err = storetest.ParseEvents(b.fixture); err != nil {
			t.Fatal(err)
		}
	}
	opts := func(i int) tracegraph.ApplyOptions { return tracegraph.ApplyOptions{Atomic: groupBatches[i].atomic} }
	type run struct {
		outcomes [][]tracegraph.Outcome
		log      []string
	}
	finish := func(s *Store, outcomes [][]tracegraph.Outcome) run {
		evs, err := s.Events(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		r := run{outcomes: outcomes}
		for _, e := range evs {
			r.log = append(r.log, fmt.Sprintf("%d %s %s %s", e.Seq, e.ID, e.RecordedAt.Format(time.RFC3339Nano), e.Hash))
		}
		rep, err := s.Verify(ctx, tracegraph.VerifyOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("Verify = %+v, %v; want intact", rep, err)
		}
		return r
	}

	// One after another.
	s := openEmpty(t)
	if _, err := s.Apply(ctx, lot, tracegraph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	var one [][]tracegraph.Outcome
	for i, b := range batches {
		outs, err := s.Apply(ctx, b, opts(i))
		if err != nil {
			t.Fatal(err)
		}
		one = append(one, outs)
	}
	sequential := finish(s, one)
	s.Close()

	// As one group, in one transaction.
	s = openEmpty(t)
	if _, err := s.Apply(ctx, lot, tracegraph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	var group []*applyReq
	for i, b := range batches {
		group = append(group, &applyReq{ctx: ctx, events: b, opts: opts(i), done: make(chan applyResult, 1)})
	}
	outs, err := s.applyGroup(group)
	if err != nil {
		t.Fatal(err)
	}
	grouped := finish(s, outs)

	if !reflect.DeepEqual(grouped.outcomes, sequential.outcomes) {
		t.Errorf("outcomes as one group:\n%+v\nwant (one Apply after another):\n%+v", grouped.outcomes, sequential.outcomes)
	}
	// The logs hold the same events with the same seqs (recordedAt and so
	// the hashes differ: the group is one commit).
	if len(grouped.log) != len(sequential.log) {
		t.Fatalf("log as one group:\n%v\nwant the events of\n%v", grouped.log, sequential.log)
	}
	for i := range grouped.log {
		var gs, ss uint64
		var gid, sid string
		fmt.Sscan(grouped.log[i], &gs, &gid)
		fmt.Sscan(sequential.log[i], &ss, &sid)
		if gs != ss || gid != sid {
			t.Errorf("log entry %d as one group: %s, want %s", i, grouped.log[i], sequential.log[i])
		}
	}
	statuses := map[string]int{}
	for _, outs := range grouped.outcomes {
		for _, o := range outs {
			statuses[o.Status]++
		}
	}
	if statuses[tracegraph.OutcomeAborted] != 1 || statuses[tracegraph.OutcomeDuplicate] != 1 || statuses[tracegraph.OutcomeRejected] != 3 {
		t.Errorf("outcomes %v: want the first atomic batch refused whole, one duplicate, the conflict and the references to the refused unit rejected", statuses)
	}
}

// TestGroupCommitGathers holds the head lock from another transaction while
// one Apply waits for it and seven more arrive: once the lock is released,
// the seven are committed as one group (their events share one recordedAt:
// the clock moves at every commit), except the one whose context was
// canceled while it waited, which is answered with its context's error and
// not applied.
func TestGroupCommitGathers(t *testing.T) {
	ctx := context.Background()
	s := openClocked(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	lock, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(ctx)
	if _, err := s.exec(ctx, lock, qHeadLock, nil); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		i    int
		outs []tracegraph.Outcome
		err  error
	}
	answers := make(chan answer, 8)
	canceled, cancel := context.WithCancel(ctx)
	defer cancel()
	apply := func(i int) {
		ev, err := storetest.NewEvent(fmt.Sprintf("mk-%d", i), tracegraph.EventUnitCreated, storetest.At(i),
			map[string]any{"serial": fmt.Sprintf("G%d", i), "partNumber": "PCBA-1"})
		if err != nil {
			answers <- answer{i: i, err: err}
			return
		}
		c := ctx
		if i == 5 {
			c = canceled
		}
		outs, err := s.Apply(c, []*tracegraph.Event{ev}, tracegraph.ApplyOptions{})
		answers <- answer{i, outs, err}
	}
	// waiting waits until n batches wait behind the group the committer
	// took.
	waiting := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; {
			s.gmu.Lock()
			got, committing := len(s.group.waiting), s.group.committing
			s.gmu.Unlock()
			if got == n && committing {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d batches waiting, want %d", got, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	go apply(0)
	waiting(0) // taken: its transaction waits for the lock
	for i := 1; i < 8; i++ {
		go apply(i)
	}
	waiting(7)
	cancel()
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		a := <-answers
		switch {
		case a.i == 5:
			if !errors.Is(a.err, context.Canceled) {
				t.Errorf("the batch canceled while waiting: %v, %v; want context.Canceled", a.outs, a.err)
			}
		case a.err != nil:
			t.Errorf("batch %d: %v", a.i, a.err)
		case a.outs[0].Status != tracegraph.OutcomeAccepted:
			t.Errorf("batch %d: %+v, want accepted", a.i, a.outs[0])
		}
	}
	evs, err := s.Events(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	commits := map[time.Time][]string{}
	for _, e := range evs {
		commits[e.RecordedAt] = append(commits[e.RecordedAt], e.ID)
		if e.ID == "mk-5" {
			t.Errorf("the canceled batch was applied (seq %d)", e.Seq)
		}
	}
	if len(evs) != 7 || len(commits) != 2 {
		t.Errorf("%d events in %d commits (%v), want 7 in 2: the first batch, then the six others as one group", len(evs), len(commits), commits)
	}
}
