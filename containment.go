package tracegraph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Containment: one action that puts everything a recall reaches in the house
// on hold, and undoes it. Contain and ReleaseContainment are the one
// implementation; GraphQL, HTTP and the command line call them, over any
// Store.
//
// A containment records only ordinary events: one hold.placed per target (the
// suspect material, then every affected unit still in the house), and on
// release one hold.released per target that names the containment's hold on
// it, so that the target's other holds stay in force. Their ids derive from
// the containment id, so the same containment sent again is reported as
// duplicates and holds nothing twice:
//
//	<containment>             the first hold (the containment's marker)
//	<containment>/<target>    every other hold
//	<containment>/release/<target>  the releases
//
// The hold.placed events name no hold: each hold is named by its event id.
// (an id that would be longer than MaxEventIDLen ends in a hash of the
// target instead). Releasing reads the log from the marker on, so its cost
// grows with the events recorded since the containment.

// Containment limits.
const (
	// MaxContainmentIDLen bounds a containment id given by the client.
	MaxContainmentIDLen = 64
	// ContainBatchSize is how many hold events one Apply call carries.
	ContainBatchSize = 1000
	// MaxListedRefusals bounds the refusals and kept holds a result lists
	// (the counts count them all).
	MaxListedRefusals = 100
)

// ContainRequest asks to contain a recall.
type ContainRequest struct {
	// Suspects and Material say what is suspect, as in a RecallRequest.
	Suspects []ID
	Material *MaterialFilter
	// Reason is recorded on every hold (required).
	Reason string
	// Containment is the containment's id, the idempotency key of the whole
	// action: letters, digits and . _ : - (at most MaxContainmentIDLen).
	// Empty: derived from the suspects, the material and the reason, so
	// that the same request sent again is the same containment. A
	// containment that was released is not placed again under the same id:
	// give a new one.
	Containment string
	// Time is when the holds take effect (required). A containment sent
	// again keeps the time (and operator) it was first recorded with.
	Time time.Time
	// Operator is recorded on every event (optional).
	Operator string
}

// ContainResult is what Contain did.
type ContainResult struct {
	Containment string `json:"containment"`
	// Material and Units count the targets: suspect material (lots,
	// components, wafer batches) and affected units in the house.
	Material int `json:"material"`
	Units    int `json:"units"`
	// Placed counts the holds recorded now, AlreadyPlaced those recorded
	// before under this containment (a repeated request).
	Placed        int `json:"placed"`
	AlreadyPlaced int `json:"alreadyPlaced"`
	// Refused counts the holds the rules refused (a unit that left the
	// house meanwhile, a repeated id with other content); Refusals lists the
	// first MaxListedRefusals.
	Refused  int       `json:"refused"`
	Refusals []Outcome `json:"refusals"`
}

// ReleaseResult is what ReleaseContainment did.
type ReleaseResult struct {
	Containment string `json:"containment"`
	// Released counts the targets released now; AlreadyReleased those that
	// no longer carried the containment's hold.
	Released        int `json:"released"`
	AlreadyReleased int `json:"alreadyReleased"`
	// Kept counts the targets released from the containment's hold that
	// stay on hold under holds that are not the containment's. KeptTargets
	// lists the first MaxListedRefusals with those holds.
	Kept        int        `json:"kept"`
	KeptTargets []KeptHold `json:"keptTargets"`
	// Refused and Refusals as in ContainResult.
	Refused  int       `json:"refused"`
	Refusals []Outcome `json:"refusals"`
}

// KeptHold is a target that stays on hold after a release, and the holds
// that keep it there.
type KeptHold struct {
	Target ID     `json:"target"`
	Holds  []Hold `json:"holds"`
}

// validContainmentID reports whether s can be a containment id.
func validContainmentID(s string) bool {
	if s == "" || len(s) > MaxContainmentIDLen {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:-", r)) {
			return false
		}
	}
	return true
}

// ContainmentID returns the id a containment of suspects, material and
// reason has when the client gives none: "C-" and 16 hex digits of a hash of
// the sorted suspects, the material filter and the reason.
func ContainmentID(suspects []ID, material *MaterialFilter, reason string) string {
	s := slices.Clone(suspects)
	slices.Sort(s)
	s = slices.Compact(s)
	b, _ := json.Marshal(struct {
		Suspects []ID            `json:"s"`
		Material *MaterialFilter `json:"m"`
		Reason   string          `json:"r"`
	}{s, material, reason})
	h := sha256.Sum256(b)
	return "C-" + hex.EncodeToString(h[:8])
}

// containEventID is the id of the event of a containment about target:
// cid/kind/target, or cid/kind/#hash when that would be too long.
func containEventID(cid, kind string, target ID) string {
	id := cid + "/" + kind + string(target)
	if len(id) <= MaxEventIDLen {
		return id
	}
	h := sha256.Sum256([]byte(target))
	return cid + "/" + kind + "#" + hex.EncodeToString(h[:16])
}

// Validate checks the request (INVALID, naming the field) and fills in the
// containment id when none is given.
func (r *ContainRequest) Validate() error {
	if err := (&RecallRequest{Suspects: r.Suspects, Material: r.Material}).Validate(); err != nil {
		return err
	}
	if err := checkText("reason", r.Reason, 1000, true); err != nil {
		return err
	}
	if err := checkText("operator", r.Operator, MaxKeyLen, false); err != nil {
		return err
	}
	if r.Time.IsZero() {
		return Errorf(CodeInvalid, "time", "a containment needs the time its holds take effect")
	}
	if r.Containment == "" {
		r.Containment = ContainmentID(r.Suspects, r.Material, r.Reason)
	} else if !validContainmentID(r.Containment) {
		return Errorf(CodeInvalid, "containment", "containment %q is not an id of at most %d letters, digits and . _ : -", r.Containment, MaxContainmentIDLen)
	}
	return nil
}

// holdEvent builds a normalized hold.placed or hold.released event about
// hold (for a release; a placement names none), recorded by the principal of
// ctx (Actor).
func holdEvent(ctx context.Context, typ EventType, id string, target ID, hold, reason, operator string, at time.Time) (*Event, error) {
	data, err := json.Marshal(HoldChange{Target: string(target), Hold: hold, Reason: reason})
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", typ, err)
	}
	ev := &Event{ID: id, Type: typ, Time: at, Operator: operator, Data: data, RecordedBy: Actor(ctx)}
	if err := ev.Normalize(); err != nil {
		return nil, fmt.Errorf("hold event %s: %w", id, err)
	}
	return ev, nil
}

// outcomeTally adds a batch's outcomes up (Tally) into done, dup and
// refused, and lists the first MaxListedRefusals refusals.
type outcomeTally struct {
	done, dup, refused *int
	refusals           *[]Outcome
}

func (t outcomeTally) add(outs []Outcome) {
	c := CountOutcomes(outs)
	*t.done += c.Accepted
	*t.dup += c.Duplicates
	*t.refused += c.Rejected
	for _, o := range outs {
		if o.Status != OutcomeAccepted && o.Status != OutcomeDuplicate && len(*t.refusals) < MaxListedRefusals {
			*t.refusals = append(*t.refusals, o)
		}
	}
}

// Contain puts what req names on hold: the suspect material (the suspects
// that are lots, components or wafer batches, and the material req.Material
// matches), then every unit the recall reaches (confirmed and possible, as
// of now) that is still in the house, one hold.placed event per target,
// applied through store.Apply in batches of ContainBatchSize. The units are
// streamed (RecallUnits), never listed in memory. Shipping anything that
// holds a held unit is then refused (ON_HOLD) by the rules.
//
// Errors: INVALID for a bad request, NOT_FOUND for a missing suspect, LIMIT
// when the material filter matches too much; refusals of single holds are
// counted in the result, not errors.
func Contain(ctx context.Context, store Store, req ContainRequest) (*ContainResult, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	cid := req.Containment
	res := &ContainResult{Containment: cid, Refusals: []Outcome{}}
	// A repeated containment keeps the marker's target, time and operator,
	// so that its events are recognized as the same events.
	var markerTarget ID
	marker, err := store.Event(ctx, cid)
	switch {
	case err == nil:
		p, perr := marker.Payload()
		hc, ok := p.(*HoldChange)
		if perr != nil || !ok || marker.Type != EventHoldPlaced {
			return nil, Errorf(CodeConflict, "containment", "event %q is not a containment's hold; choose another containment id", cid)
		}
		markerTarget = ID(hc.Target)
		req.Time, req.Operator = marker.Time, marker.Operator
	case !IsNotFound(err):
		return nil, fmt.Errorf("contain %s: %w", cid, err)
	}
	tally := outcomeTally{&res.Placed, &res.AlreadyPlaced, &res.Refused, &res.Refusals}
	first := markerTarget == ""
	batch := make([]*Event, 0, ContainBatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		outs, err := store.Apply(ctx, batch, ApplyOptions{})
		if err != nil {
			return fmt.Errorf("contain %s: apply %d holds: %w", cid, len(batch), err)
		}
		tally.add(outs)
		batch = batch[:0]
		return nil
	}
	hold := func(target ID) error {
		id := containEventID(cid, "", target)
		if target == markerTarget || first {
			id, first = cid, false
		}
		ev, err := holdEvent(ctx, EventHoldPlaced, id, target, "", req.Reason, req.Operator, req.Time)
		if err != nil {
			return err
		}
		batch = append(batch, ev)
		if len(batch) == ContainBatchSize {
			return flush()
		}
		return nil
	}

	var material []ID
	for _, id := range req.Suspects {
		if id.Label().IsMaterial() {
			material = append(material, id)
		}
	}
	if req.Material != nil {
		more, err := store.FindMaterial(ctx, *req.Material)
		if err != nil {
			return nil, fmt.Errorf("contain %s: %w", cid, err)
		}
		material = append(material, more...)
	}
	slices.Sort(material)
	material = slices.Compact(material)
	if len(material) > 0 {
		// A missing suspect is NOT_FOUND before anything is held.
		nodes, err := store.Nodes(ctx, material)
		if err != nil {
			return nil, fmt.Errorf("contain %s: %w", cid, err)
		}
		for i, n := range nodes {
			if n == nil {
				return nil, Errorf(CodeNotFound, "suspects", "%s does not exist", material[i])
			}
		}
	}
	for _, id := range material {
		if err := hold(id); err != nil {
			return nil, err
		}
	}
	res.Material = len(material)
	// The material's holds first: they reach the units too, and a unit
	// refused for a reason of its own does not hide them.
	if err := flush(); err != nil {
		return nil, err
	}
	err = store.RecallUnits(ctx, RecallRequest{Suspects: req.Suspects, Material: req.Material}, func(u RecallUnit) error {
		if !InHouse(u.Status) {
			return nil
		}
		res.Units++
		return hold(u.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("contain %s: %w", cid, err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return res, nil
}

// ReleaseContainment releases every hold the containment placed that is
// still in force: the material first, then the units, one hold.released
// event per target naming the containment's hold (ids cid/release/target, so
// a repeated release records nothing twice). A target's other holds stay in
// force: a target that still carries one is counted and listed as kept.
//
// Errors: NOT_FOUND when no containment has this id, INVALID for a bad
// reason or time.
func ReleaseContainment(ctx context.Context, store Store, containment, reason, operator string, at time.Time) (*ReleaseResult, error) {
	if !validContainmentID(containment) {
		return nil, Errorf(CodeInvalid, "containment", "containment %q is not a containment id", containment)
	}
	if err := checkText("reason", reason, 1000, true); err != nil {
		return nil, err
	}
	if at.IsZero() {
		return nil, Errorf(CodeInvalid, "time", "a release needs the time it takes effect")
	}
	marker, err := store.Event(ctx, containment)
	if IsNotFound(err) || (err == nil && marker.Type != EventHoldPlaced) {
		return nil, Errorf(CodeNotFound, "containment", "no containment %q was placed", containment)
	}
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", containment, err)
	}
	targets, err := containmentHolds(ctx, store, containment, marker.Seq)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", containment, err)
	}
	ours := map[string]bool{}
	for _, h := range targets {
		ours[h.hold] = true
	}
	res := &ReleaseResult{Containment: containment, KeptTargets: []KeptHold{}, Refusals: []Outcome{}}
	tally := outcomeTally{&res.Released, &res.AlreadyReleased, &res.Refused, &res.Refusals}
	// Material first: its holds reach the units, which then carry only their own.
	for _, phase := range []func(h placedHold) bool{
		func(h placedHold) bool { return h.target.Label() != LabelUnit },
		func(h placedHold) bool { return h.target.Label() == LabelUnit },
	} {
		var todo []placedHold
		for _, h := range targets {
			if phase(h) {
				todo = append(todo, h)
			}
		}
		for len(todo) > 0 {
			chunk := todo[:min(len(todo), ContainBatchSize)]
			todo = todo[len(chunk):]
			ids := make([]ID, len(chunk))
			for i, h := range chunk {
				ids[i] = h.target
			}
			nodes, err := store.Nodes(ctx, ids)
			if err != nil {
				return nil, fmt.Errorf("release %s: %w", containment, err)
			}
			var batch []*Event
			for i, n := range nodes {
				h := chunk[i]
				if n == nil || !slices.ContainsFunc(n.Holds, func(x Hold) bool { return x.ID == h.hold }) {
					res.AlreadyReleased++
					continue
				}
				var others []Hold
				for _, x := range n.Holds {
					if !ours[x.ID] {
						others = append(others, x)
					}
				}
				if len(others) > 0 {
					res.Kept++
					if len(res.KeptTargets) < MaxListedRefusals {
						res.KeptTargets = append(res.KeptTargets, KeptHold{Target: h.target, Holds: others})
					}
				}
				ev, err := holdEvent(ctx, EventHoldReleased, containEventID(containment, "release/", h.target), h.target, h.hold, reason, operator, at)
				if err != nil {
					return nil, err
				}
				batch = append(batch, ev)
			}
			if len(batch) == 0 {
				continue
			}
			outs, err := store.Apply(ctx, batch, ApplyOptions{})
			if err != nil {
				return nil, fmt.Errorf("release %s: apply %d releases: %w", containment, len(batch), err)
			}
			tally.add(outs)
		}
	}
	return res, nil
}

// placedHold is one hold a containment placed: its id and target.
type placedHold struct {
	hold   string
	target ID
}

// containmentHolds reads the log from the containment's marker (seq from)
// to the current head and returns the holds the containment placed, in log
// order.
func containmentHolds(ctx context.Context, store Store, cid string, from uint64) ([]placedHold, error) {
	head, _, err := store.Head(ctx)
	if err != nil {
		return nil, err
	}
	var out []placedHold
	const page = 10_000
	for after := from - 1; after < head; {
		evs, err := store.Events(ctx, after, page)
		if err != nil {
			return nil, err
		}
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			if ev.Seq > head {
				return out, nil
			}
			if ev.Type != EventHoldPlaced || (ev.ID != cid && !strings.HasPrefix(ev.ID, cid+"/")) {
				continue
			}
			var hc HoldChange
			if err := json.Unmarshal(ev.Data, &hc); err != nil {
				return nil, fmt.Errorf("decode hold %s: %w", ev.ID, err)
			}
			out = append(out, placedHold{hold: hc.HoldID(ev.ID), target: ID(hc.Target)})
		}
		after = evs[len(evs)-1].Seq
	}
	return out, nil
}
