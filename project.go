package tracegraph

import (
	"context"
	"encoding/json"
	"fmt"
)

// BatchResult is the outcome of projecting a batch of events.
type BatchResult struct {
	// Outcomes has one entry per event, in order.
	Outcomes []Outcome
	// Accepted are the events to append, with Seq set, in order.
	Accepted []*Event
	// Tx holds the mutations of the accepted events, in order.
	Tx *Tx
}

// ProjectBatch applies the rules to a batch of normalized events against base,
// numbering accepted events from firstSeq. A rejected event changes nothing;
// with opts.Atomic one rejection aborts the whole batch. Events already
// recorded (by id, in base or earlier in the batch) with the same content are
// duplicates; an id recorded with other content is rejected (CONFLICT), as
// it names another event. The error is non-nil only when reading base failed
// or ctx ended.
//
// This is the one implementation of the rules of docs/events.md; every store calls
// it and persists BatchResult.Accepted and BatchResult.Tx.Mutations().
func ProjectBatch(ctx context.Context, base GraphReader, events []*Event, opts ApplyOptions, firstSeq uint64) (*BatchResult, error) {
	return projectBatch(ctx, base, events, opts, firstSeq, newMemo(base))
}

// newMemo returns the memo of a batch projected over base. The batches of
// a group (the embedded writer's, Neo4j's) are projected over the group's
// Tx: they share what they decode of the stations' line sides, and with
// the group under it when that is a Tx too (the writer projects a group
// over the one still committing), or the one a store gives every group
// (Tx.KeepLineSides).
func newMemo(base GraphReader) *memo {
	m := &memo{}
	if b, ok := base.(*Tx); ok {
		if b.lineSides == nil {
			if under, ok := b.base.(*Tx); ok {
				if under.lineSides == nil {
					under.lineSides = NewLineSideMemo(0)
				}
				b.lineSides = under.lineSides
			} else {
				b.lineSides = NewLineSideMemo(0)
			}
		}
		m.stations = b.lineSides
	}
	return m
}

// projectBatch is ProjectBatch with the memo m for the batch.
func projectBatch(ctx context.Context, base GraphReader, events []*Event, opts ApplyOptions, firstSeq uint64, m *memo) (*BatchResult, error) {
	res := &BatchResult{Outcomes: make([]Outcome, len(events)), Tx: NewTx(ctx, base)}
	// About three mutations an event, half of them new nodes and edges:
	// room made for them saves growing the list and the maps.
	n := len(events)
	res.Tx.muts = make([]Mutation, 0, 4*n)
	res.Tx.events, res.Tx.nodes, res.Tx.edges = make(map[string]*Event, n), make(map[ID]*Node, n), make(map[EdgeID]*Edge, 2*n)
	res.Tx.added = addedIndex{ends: make(map[ID]addedEnds, 2*n), links: make([]addedLink, 0, 4*n)}
	seq := firstSeq
	rejected := -1
	b := res.Tx
	// Each event is projected into the batch's Tx itself, with an undo log
	// (see undoLog); one that falls back is projected again in one Tx
	// (reset between them) over the batch's, which is merged when it is
	// accepted. The accepted events and the tx's copies of them share one
	// array: fewer allocations an event.
	var undo undoLog
	child := &Tx{ctx: ctx, base: b, memo: m}
	copies := make([]Event, 2*len(events))
	for i, ev := range events {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out := &res.Outcomes[i]
		out.Index, out.ID, out.Type = i, ev.ID, ev.Type
		prev, _, err := b.EventByID(ctx, ev.ID)
		if err != nil {
			return nil, fmt.Errorf("look up event %q: %w", ev.ID, err)
		}
		if prev != nil && (SameContent(prev, ev) || repeatsRequest(prev, ev)) {
			out.Status, out.Seq = OutcomeDuplicate, prev.Seq
			continue
		}
		var perr error
		var completed Payload
		// Projected in a Tx of its own: a void goes there at once, as it
		// nearly always voids a node and falls back (tx_undo.go), and a
		// second projection would read the voided event's edges again (a
		// second query on Neo4j, TestPrefetchKeepsOutcomes).
		own := (m.layered || ev.Type == EventVoided) && prev == nil
		if prev != nil {
			perr = Errorf(CodeConflict, "id", "event %q was recorded (seq %d) with other content; use another id for another event", ev.ID, prev.Seq)
		} else if !own {
			var check func()
			if m.rolledBack != nil {
				check = m.rolledBack(b)
			}
			b.beginEvent(seq, ev, m, &undo)
			perr = project(b, ev)
			if b.fellBack || perr != nil {
				b.rollback()
				if check != nil {
					check()
				}
			}
			own, completed = b.fellBack, b.completed
			b.endEvent()
		}
		if own {
			child.reset()
			// The event's mutations continue the batch's list: merging them
			// takes the list as it is, and a rejected event's are overwritten.
			child.muts, child.mutsFrom = b.muts, len(b.muts)
			child.seq, child.ev = seq, ev
			perr, completed = project(child, ev), child.completed
			if perr != nil && cap(child.muts) > cap(b.muts) {
				// Grown: the batch's mutations are copied there; keep the room.
				b.muts = child.muts[:len(b.muts)]
			}
		}
		if perr != nil {
			if ErrorCode(perr) == CodeInternal {
				return nil, fmt.Errorf("project event %q: %w", ev.ID, perr)
			}
			out.Status, out.Error = OutcomeRejected, AsError(perr)
			if opts.Atomic {
				rejected = i
				break
			}
			continue
		}
		e := &copies[2*i]
		*e = *ev
		e.Seq = seq
		if completed != nil {
			// The rules filled in what the event's request left to them
			// (the serials an allocation issued): the log records them.
			data, err := json.Marshal(completed)
			if err != nil {
				return nil, fmt.Errorf("encode the completed event %q: %w", ev.ID, err)
			}
			e.Data, e.payload = data, completed
		}
		// The tx keeps its own copy: the store seals the accepted one (hash,
		// recordedAt) while later batches may already read this tx.
		seen := &copies[2*i+1]
		*seen = *e
		if own {
			mk(&child.events)[e.ID] = seen
			b.mergeEvent(child)
		} else {
			mk(&b.events)[e.ID] = seen
		}
		res.Accepted = append(res.Accepted, e)
		out.Status, out.Seq = OutcomeAccepted, seq
		seq++
	}
	if rejected >= 0 {
		bad := events[rejected]
		for i := range res.Outcomes {
			o := &res.Outcomes[i]
			if i == rejected || o.Status == OutcomeDuplicate {
				continue
			}
			o.Index, o.ID = i, events[i].ID
			o.Status, o.Seq = OutcomeAborted, 0
			o.Error = Errorf(res.Outcomes[rejected].Error.Code, "", "not applied: event %d (%q) of this atomic batch was rejected", rejected, bad.ID)
		}
		res.Accepted = nil
		res.Tx = NewTx(ctx, base)
	}
	return res, nil
}

// repeatsRequest reports whether ev is a request recorded already as prev:
// the same type and a payload that asks the same (an allocation asked again
// under its request id, at another time). It answers as a duplicate.
func repeatsRequest(prev, ev *Event) bool {
	if prev.Type != ev.Type {
		return false
	}
	p, err := ev.Payload()
	if err != nil {
		return false
	}
	r, ok := p.(interface{ repeats(Payload) bool })
	if !ok {
		return false
	}
	recorded, err := prev.Payload()
	return err == nil && r.repeats(recorded)
}

// project applies one event's rules in tx. It returns a domain *Error for a
// refusal, or another error when reading failed.
func project(tx *Tx, ev *Event) error {
	p, err := ev.Payload()
	if err != nil {
		return err
	}
	switch d := p.(type) {
	case *UnitCreated:
		return tx.unitCreated(d)
	case *IdentifierAssigned:
		return tx.identifierAssigned(d)
	case *WaferRegistered:
		return tx.waferRegistered(d)
	case *LotReceived:
		return tx.lotReceived(d)
	case *ComponentReceived:
		return tx.componentReceived(d)
	case *MaterialConsumed:
		return tx.materialConsumed(d)
	case *UnitAssembled:
		return tx.unitAssembled(d)
	case *ComponentRemoved:
		return tx.componentRemoved(d)
	case *TestRecorded:
		return tx.testRecorded(d)
	case *ProcessRecorded:
		return tx.processRecorded(d)
	case *ReadingRecorded:
		return tx.readingRecorded(d)
	case *Packed:
		if ev.Type == EventUnpacked {
			return tx.unpacked(d)
		}
		return tx.packed(d)
	case *Shipped:
		return tx.shipped(d)
	case *HoldChange:
		if ev.Type == EventHoldReleased {
			return tx.holdReleased(d)
		}
		return tx.holdPlaced(d)
	case *UnitScrapped:
		return tx.unitScrapped(d)
	case *Voided:
		return tx.eventVoided(d)
	case *ProductDefined:
		return tx.productDefined(d)
	case *SetupDefined:
		return tx.setupDefined(d)
	case *SetupActivated:
		return tx.setupActivated(d)
	case *FeederLoaded:
		return tx.feederLoaded(d, ev.Type == EventFeederSpliced)
	case *FeederSlot:
		if ev.Type == EventSplicePassed {
			return tx.splicePassed(d)
		}
		return tx.feederUnloaded(d)
	case *UnitPlaced:
		return tx.unitPlaced(d)
	case *RouteDefined:
		return tx.routeDefined(d)
	case *LotBaked:
		return tx.lotBaked(d)
	case *SerialScheme:
		return tx.serialScheme(d)
	case *SerialsAllocated:
		return tx.serialsAllocated(d)
	case *RecallPublished:
		return tx.recallPublished(d)
	}
	return Errorf(CodeInvalid, "type", "no rules for event type %q", ev.Type)
}
