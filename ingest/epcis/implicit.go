package epcis

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest"
)

// Lookups is what Implicit asks the store: tracegraph.Store has both.
type Lookups interface {
	// Nodes returns the nodes of ids, nil where one does not exist
	// (tracegraph.Graph.Nodes).
	Nodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error)
	// Event returns the recorded event with this id (NOT_FOUND).
	Event(ctx context.Context, id string) (*tracegraph.Event, error)
	// Lookup returns the nodes a scanned code names
	// (tracegraph.Graph.Lookup): for a bare GTIN, the product that has it.
	Lookup(ctx context.Context, code string) ([]*tracegraph.Node, error)
}

// Products returns the part numbers of the products that have the GTINs
// of gtins, keyed by GTIN; a GTIN no product has is left out. It reads one
// Lookup per GTIN.
func Products(ctx context.Context, st Lookups, gtins []string) (map[string]string, error) {
	var out map[string]string
	for _, g := range gtins {
		ns, err := st.Lookup(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("epcis: look up GTIN %s: %w", g, err)
		}
		for _, n := range ns {
			if n == nil || n.Label != tracegraph.LabelProduct || n.Str("gtin") != g {
				continue
			}
			if _, pn, err := tracegraph.ParseID(string(n.ID)); err == nil {
				if out == nil {
					out = map[string]string{}
				}
				out[g] = pn
				break
			}
		}
	}
	return out, nil
}

// Implicit returns the events to apply for c: first an event commissioning
// each thing the document names that neither exists nor is created by an
// event of the document (EPCIS repositories take observations of things
// commissioned elsewhere; tracegraph's rules want them to exist), then the
// document's events but those whose Unless event is recorded. The
// commissioning events have deterministic ids and PropImplicit, so
// capturing the document again changes nothing. It returns how many
// commissioning events lead.
func Implicit(ctx context.Context, c *Captured, st Lookups) ([]json.RawMessage, int, error) {
	out := make([]json.RawMessage, 0, len(c.Needs)+len(c.Events))
	// One look-up for every node the document may name.
	var ids []tracegraph.ID
	for _, n := range c.Needs {
		if n.Create != nil {
			ids = append(ids, n.IDs...)
		}
	}
	found := map[tracegraph.ID]bool{}
	if len(ids) > 0 {
		ns, err := st.Nodes(ctx, ids)
		if err != nil {
			return nil, 0, fmt.Errorf("epcis: look up %d nodes: %w", len(ids), err)
		}
		for i, n := range ns {
			found[ids[i]] = n != nil
		}
	}
	for _, n := range c.Needs {
		if n.Create != nil && !slices.ContainsFunc(n.IDs, func(id tracegraph.ID) bool { return found[id] }) {
			out = append(out, n.Create)
		}
	}
	implicit := len(out)
	recorded := map[string]bool{}
	for _, it := range c.Events {
		if it.Unless != "" {
			has, seen := recorded[it.Unless]
			if !seen {
				_, err := st.Event(ctx, it.Unless)
				if err != nil && !isCode(err, tracegraph.CodeNotFound) {
					return nil, 0, fmt.Errorf("epcis: look up event %s: %w", it.Unless, err)
				}
				has = err == nil
				recorded[it.Unless] = has
			}
			if has {
				continue
			}
		}
		out = append(out, it.Raw)
	}
	return out, implicit, nil
}

func isCode(err error, codes ...tracegraph.Code) bool {
	c := tracegraph.AsError(err).Code
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// Plan is a document ready to apply: Events in order (the implicit
// commissioning first), how many of them are implicit, and the notes.
type Plan struct {
	Events   []json.RawMessage
	Implicit int
	Notes    []Note
}

// Prepare validates body against the schema, maps it (Capture), gives a
// thing commissioned by GTIN the part number of the product that has that
// GTIN (Products; the document is mapped again when one does), and adds
// the implicit commissioning (Implicit). Errors are INVALID for a document
// the schema or the mapping refuses; others are the store's.
func (v *Validator) Prepare(ctx context.Context, body []byte, st Lookups) (*Plan, error) {
	if err := v.Validate(body); err != nil {
		return nil, err
	}
	c, err := Capture(body, nil)
	if err != nil {
		return nil, err
	}
	if len(c.GTINs) > 0 {
		products, err := Products(ctx, st, c.GTINs)
		if err != nil {
			return nil, err
		}
		if len(products) > 0 {
			if c, err = Capture(body, products); err != nil {
				return nil, err
			}
		}
	}
	evs, n, err := Implicit(ctx, c, st)
	if err != nil {
		return nil, err
	}
	return &Plan{Events: evs, Implicit: n, Notes: c.Notes}, nil
}

// Store is what a capture needs of a store: its look-ups, and Apply.
// tracegraph.Store is one.
type Store interface {
	Lookups
	ingest.Applier
}

// Apply captures a document: Prepare, then the events applied all or none
// (ingest.ApplyRaw, atomic), as the EPCIS standard wants a document
// captured. A document that maps to more than maxEvents events is refused
// LIMIT (0: no bound). The error is Prepare's, the limit's, or the store's
// when it failed; rule refusals are in the Result.
func (v *Validator) Apply(ctx context.Context, st Store, body []byte, maxEvents int) (*Plan, ingest.Result, error) {
	p, err := v.Prepare(ctx, body, st)
	if err != nil {
		return nil, ingest.Result{}, err
	}
	if maxEvents > 0 && len(p.Events) > maxEvents {
		return nil, ingest.Result{}, tracegraph.Errorf(tracegraph.CodeLimit, "", "the document maps to %d events; at most %d per capture: split it", len(p.Events), maxEvents)
	}
	res, err := ingest.ApplyRaw(ctx, st, p.Events, tracegraph.ApplyOptions{Atomic: true})
	return p, res, err
}
