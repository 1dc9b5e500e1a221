package tracegraph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Publishing a recall: what the public is told. A containment (see
// containment.go) is internal: it holds what is still in the house. A recall
// becomes public only by an explicit action, PublishRecall, which records a
// recall.published event with the text for customers. The projection marks
// the containment's suspect material (PropPublicRecalls); the public product
// page of a unit (PublicRecalls) shows the notice when the unit, as built
// now, contains marked material. Voiding the event withdraws the notice.

// EventRecallPublished is the event type of a published recall notice.
const EventRecallPublished EventType = "recall.published"

// PropPublicRecalls is the property of suspect material (and suspect units)
// that lists the ids of the recall.published events naming them.
const PropPublicRecalls = "publicRecalls"

// Limits of a recall notice.
const (
	MaxRecallTitleLen = 200
	MaxRecallTextLen  = 2000
)

// RecallPublished is the data of recall.published: a containment's recall
// made public, with the text customers read.
type RecallPublished struct {
	// Containment is the id of the containment whose recall this is.
	Containment string `json:"containment"`
	// Suspects are the suspect material (lots, components, wafer batches)
	// or units the notice concerns: every unit built with one of them, or
	// containing one, shows it.
	Suspects []string `json:"suspects"`
	// Title is a headline ("Battery recall"); Text what customers should
	// know and do.
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
}

func (p *RecallPublished) validate() *Error {
	if !validContainmentID(p.Containment) {
		return Errorf(CodeInvalid, "containment", "containment %q is not a containment id", p.Containment)
	}
	return firstErr(refs("suspects", p.Suspects, true), checkText("title", p.Title, MaxRecallTitleLen, false),
		checkText("text", p.Text, MaxRecallTextLen, true))
}

// recallPublished marks each suspect with the event: the containment must
// have been placed, the suspects must exist and be material or units.
func (tx *Tx) recallPublished(d *RecallPublished) error {
	marker, by, err := tx.EventByID(tx.ctx, d.Containment)
	if err != nil {
		return err
	}
	if marker == nil || marker.Type != EventHoldPlaced || by != "" {
		return Errorf(CodeNotFound, "data.containment", "no containment %q was placed", d.Containment)
	}
	seen := map[ID]bool{}
	for i, s := range d.Suspects {
		n, err := tx.resolve(fmt.Sprintf("suspects[%d]", i), s, LabelMaterialLot, LabelComponent, LabelWaferBatch, LabelUnit)
		if err != nil {
			return err
		}
		if seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		n.Props[PropPublicRecalls] = append(publicRecalls(n), tx.ev.ID)
		tx.putNode(n)
	}
	return nil
}

// withdrawRecall undoes a voided recall.published: its suspects no longer
// name it.
func (tx *Tx) withdrawRecall(d *RecallPublished, evID string) error {
	for i, s := range d.Suspects {
		n, err := tx.resolve(fmt.Sprintf("suspects[%d]", i), s, LabelMaterialLot, LabelComponent, LabelWaferBatch, LabelUnit)
		if ErrorCode(err) == CodeNotFound {
			continue
		}
		if err != nil {
			return err
		}
		ids := publicRecalls(n)
		if !slices.Contains(ids, any(evID)) {
			continue
		}
		n.Props[PropPublicRecalls] = slices.DeleteFunc(ids, func(v any) bool { return v == evID })
		tx.putNode(n)
	}
	return nil
}

// publicRecalls returns a copy of the node's list of recall.published ids.
func publicRecalls(n *Node) []any {
	l, _ := n.Props[PropPublicRecalls].([]any)
	return slices.Clone(l)
}

// PublishRequest asks to make a containment's recall public.
type PublishRequest struct {
	// Containment is the id of a containment that was placed (required).
	Containment string
	// Suspects the notice concerns; empty: the material the containment
	// put on hold.
	Suspects []ID
	// Title and Text are what customers read (Text required).
	Title, Text string
	// Time is when it is published (required); Operator who published it.
	Time     time.Time
	Operator string
}

// PublishResult is what PublishRecall did.
type PublishResult struct {
	Containment string `json:"containment"`
	// Event is the id of the recall.published event: the containment id,
	// "/publish/" and a hash of the title and text, so the same notice sent
	// again is recorded once (Duplicate) and a corrected one is a new
	// notice that replaces it on the page.
	Event     string `json:"event"`
	Suspects  int    `json:"suspects"`
	Duplicate bool   `json:"duplicate"`
}

// PublishRecall records a recall.published event for a containment. Errors:
// INVALID for a bad request or a containment that held no material when no
// suspects are given, NOT_FOUND when no containment has this id, and the
// event's refusal.
func PublishRecall(ctx context.Context, store Store, req PublishRequest) (*PublishResult, error) {
	if !validContainmentID(req.Containment) {
		return nil, Errorf(CodeInvalid, "containment", "containment %q is not a containment id", req.Containment)
	}
	if req.Time.IsZero() {
		return nil, Errorf(CodeInvalid, "time", "a publication needs its time")
	}
	if err := firstErr(checkText("title", req.Title, MaxRecallTitleLen, false), checkText("text", req.Text, MaxRecallTextLen, true)); err != nil {
		return nil, err
	}
	marker, err := store.Event(ctx, req.Containment)
	if IsNotFound(err) || (err == nil && marker.Type != EventHoldPlaced) {
		return nil, Errorf(CodeNotFound, "containment", "no containment %q was placed", req.Containment)
	}
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", req.Containment, err)
	}
	suspects := req.Suspects
	if len(suspects) == 0 {
		holds, err := containmentHolds(ctx, store, req.Containment, marker.Seq)
		if err != nil {
			return nil, fmt.Errorf("publish %s: %w", req.Containment, err)
		}
		for _, h := range holds {
			if h.target.Label().IsMaterial() && !slices.Contains(suspects, h.target) {
				suspects = append(suspects, h.target)
			}
		}
		if len(suspects) == 0 {
			return nil, Errorf(CodeInvalid, "suspects", "containment %q held no material: name the suspects the notice concerns", req.Containment)
		}
	}
	d := RecallPublished{Containment: req.Containment, Title: req.Title, Text: req.Text}
	for _, s := range suspects {
		d.Suspects = append(d.Suspects, string(s))
	}
	h := sha256.Sum256([]byte(req.Title + "\x00" + req.Text))
	id := req.Containment + "/publish/" + hex.EncodeToString(h[:8])
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", EventRecallPublished, err)
	}
	ev := &Event{ID: id, Type: EventRecallPublished, Time: req.Time, Operator: req.Operator, Data: data, RecordedBy: Actor(ctx)}
	if err := ev.Normalize(); err != nil {
		return nil, err
	}
	outs, err := store.Apply(ctx, []*Event{ev}, ApplyOptions{})
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", req.Containment, err)
	}
	switch o := outs[0]; o.Status {
	case OutcomeAccepted, OutcomeDuplicate:
		return &PublishResult{Containment: req.Containment, Event: id, Suspects: len(d.Suspects), Duplicate: o.Status == OutcomeDuplicate}, nil
	default:
		return nil, o.Error
	}
}

// RecallNotice is a published recall as the public page shows it.
type RecallNotice struct {
	Containment string    `json:"containment"`
	Title       string    `json:"title,omitempty"`
	Text        string    `json:"text"`
	PublishedAt time.Time `json:"publishedAt"`
}

// maxPublicTrace bounds the genealogy PublicRecalls walks for one unit: a
// finished product reaches a few hundred nodes; the bound keeps a public
// request's cost fixed whatever the unit.
const maxPublicTrace = 20_000

// PublicRecalls returns the published recall notices that reach a unit as
// it is built now: the unit or anything upstream of it (its parts, the
// material they were made with, that material's origin, at any precision)
// is a suspect of a recall.published event. One notice per containment,
// the latest; oldest first.
func PublicRecalls(ctx context.Context, store Store, unit ID) ([]RecallNotice, error) {
	return publicNotices(ctx, store, []ID{unit})
}

// publicUnitsPerTrace is how many units publicNotices traces at once: each
// trace stays within maxPublicTrace for units of a few hundred nodes.
const publicUnitsPerTrace = 50

// publicNotices returns the published recall notices that reach any of the
// units (PublicRecalls of each, merged), tracing them a few at a time.
func publicNotices(ctx context.Context, store Store, units []ID) ([]RecallNotice, error) {
	var events []string
	seen := map[ID]bool{}
	per := publicUnitsPerTrace
	for len(units) > 0 {
		from := units[:min(len(units), per)]
		tr, err := store.Trace(ctx, TraceRequest{From: from, Direction: Upstream, Limit: maxPublicTrace, SkipEdges: true,
			EdgeTypes: []EdgeType{EdgeContains, EdgeConsumed, EdgeDerivedFrom}})
		if err != nil {
			return nil, err
		}
		if tr.Truncated && len(from) > 1 {
			per = max(1, len(from)/2) // fewer at once, so that nothing is missed
			continue
		}
		units = units[len(from):]
		var ids []ID
		for _, n := range tr.Nodes {
			if (n.Label == LabelUnit || n.Label.IsMaterial()) && !seen[n.ID] {
				seen[n.ID] = true
				ids = append(ids, n.ID)
			}
		}
		nodes, err := store.Nodes(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			if n == nil {
				continue
			}
			for _, v := range publicRecalls(n) {
				if s, ok := v.(string); ok && !slices.Contains(events, s) {
					events = append(events, s)
				}
			}
		}
	}
	latest := map[string]*Event{}
	var order []string
	for _, id := range events {
		ev, err := store.Event(ctx, id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var d RecallPublished
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return nil, fmt.Errorf("decode %s: %w", id, err)
		}
		prev, ok := latest[d.Containment]
		if !ok {
			order = append(order, d.Containment)
		}
		if !ok || ev.Seq > prev.Seq {
			latest[d.Containment] = ev
		}
	}
	out := make([]RecallNotice, 0, len(order))
	for _, c := range order {
		ev := latest[c]
		var d RecallPublished
		_ = json.Unmarshal(ev.Data, &d) // decoded above
		out = append(out, RecallNotice{Containment: c, Title: d.Title, Text: d.Text, PublishedAt: ev.Time})
	}
	slices.SortStableFunc(out, func(a, b RecallNotice) int { return a.PublishedAt.Compare(b.PublishedAt) })
	return out, nil
}
