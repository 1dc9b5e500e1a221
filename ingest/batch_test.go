package ingest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/ingest"
)

func openStore(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func unit(id, serial string) string {
	return `{"id":"` + id + `","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"` + serial + `","partNumber":"P"}}`
}

func raws(ss ...string) []json.RawMessage {
	out := make([]json.RawMessage, len(ss))
	for i, s := range ss {
		out[i] = json.RawMessage(s)
	}
	return out
}

// statuses returns each outcome as status or status:CODE.
func statuses(res ingest.Result) string {
	var b []string
	for _, o := range res.Outcomes {
		s := o.Status
		if o.Error != nil {
			s += ":" + string(o.Error.Code)
		}
		b = append(b, s)
	}
	return strings.Join(b, " ")
}

// TestApplyRaw: events as clients send them get one outcome each, in order,
// whether the decoder or the rules refused them, and one tally.
func TestApplyRaw(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		raw    []json.RawMessage
		atomic bool
		want   string
		tally  tracegraph.Tally
		head   uint64 // events in the log after
	}{
		{"mixed", raws(unit("a", "S-A"), `not json`, unit("a", "S-A"), unit("a", "S-B"), `{"id":"x","type":"nope"}`),
			false, "accepted rejected:INVALID duplicate rejected:CONFLICT rejected:INVALID", tracegraph.Tally{Accepted: 1, Duplicates: 1, Rejected: 3}, 1},
		{"atomic, one does not decode", raws(unit("a", "S-A"), unit("b", "S-B"), `{"id":"c"}`),
			true, "aborted:INVALID aborted:INVALID rejected:INVALID", tracegraph.Tally{Rejected: 3}, 0},
		{"atomic, the rules refuse one", raws(unit("a", "S-A"), `{"id":"m","type":"material.consumed","time":"2026-01-01T00:00:00Z","data":{"unit":"NOPE","lot":"L"}}`),
			true, "aborted:NOT_FOUND rejected:NOT_FOUND", tracegraph.Tally{Rejected: 2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openStore(t)
			res, err := ingest.ApplyRaw(ctx, s, tt.raw, tracegraph.ApplyOptions{Atomic: tt.atomic})
			if err != nil {
				t.Fatal(err)
			}
			if got := statuses(res); got != tt.want || res.Tally != tt.tally {
				t.Fatalf("ApplyRaw = %s %+v, want %s %+v", got, res.Tally, tt.want, tt.tally)
			}
			for i, o := range res.Outcomes {
				if o.Index != i {
					t.Errorf("outcome %d has index %d", i, o.Index)
				}
			}
			if head, _, _ := s.Head(ctx); head != tt.head {
				t.Errorf("head = %d after, want %d", head, tt.head)
			}
		})
	}
}

// TestAbortNamesTheRejected: an event aborted with an atomic batch says
// which event (position and id) was rejected.
func TestAbortNamesTheRejected(t *testing.T) {
	res, err := ingest.ApplyRaw(context.Background(), openStore(t), raws(unit("a", "S-A"), unit("b", "S-B"), `{"id":"bad"}`), tracegraph.ApplyOptions{Atomic: true})
	if err != nil {
		t.Fatal(err)
	}
	if msg := res.Outcomes[0].Error.Message; !strings.Contains(msg, `event 2 ("bad")`) {
		t.Errorf("aborted event's message = %q, want it to name event 2 (\"bad\")", msg)
	}
}

// TestApplyBuiltEvents: events a translator builds are normalized and
// checked like decoded ones; a principal records them and may be refused.
func TestApplyBuiltEvents(t *testing.T) {
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	built := func(id string, typ tracegraph.EventType, data string) *tracegraph.Event {
		return &tracegraph.Event{ID: id, Type: typ, Time: at, Data: json.RawMessage(data)}
	}
	op := tracegraph.NewContext(context.Background(), tracegraph.Principal{Subject: "line-3", Roles: []tracegraph.Role{tracegraph.RoleOperator}})
	s := openStore(t)
	res, err := ingest.Apply(op, s, []*tracegraph.Event{
		built("u", tracegraph.EventUnitCreated, `{"partNumber":"P", "serial":"S-1"}`),
		built("v", tracegraph.EventUnitCreated, `{"serial":"S-2"}`),
		built("h", tracegraph.EventHoldPlaced, `{"target":"Unit:S-1","reason":"r"}`),
	}, tracegraph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "accepted rejected:INVALID rejected:FORBIDDEN"; got != want {
		t.Fatalf("Apply = %s, want %s", got, want)
	}
	if f := res.Outcomes[1].Error.Field; f != "data.partNumber" {
		t.Errorf("missing partNumber refused on field %q, want data.partNumber", f)
	}
	ev, err := s.Event(context.Background(), "u")
	if err != nil {
		t.Fatal(err)
	}
	if ev.RecordedBy != "line-3" || !ev.Time.Equal(at) || ev.Time.Location() != time.UTC || string(ev.Data) != `{"serial":"S-1","partNumber":"P","origin":"made"}` {
		t.Errorf("recorded %+v (data %s), want recordedBy line-3, the time in UTC and normalized data", ev, ev.Data)
	}
}
