package server

import (
	"context"
	"maps"
	"slices"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest/epcis"
)

// epcisNames gives the nodes of one EPCIS answer their GS1 names
// (tracegraph.GS1Name: units and components by GTIN and serial, lots by
// GTIN and lot, containers by SSCC), reading each node and each part
// number's product once. It implements epcis.Names; the first error of the
// graph is kept in err and fails the answer.
type epcisNames struct {
	s    *Server
	ctx  context.Context
	uri  map[tracegraph.ID]string // GS1 names given, "" for none
	code map[string]tracegraph.ID // the node a bare code names, "" for none or several
	node map[string]tracegraph.ID // what each GS1 name names
	gtin map[string]string        // part numbers' GTINs
	err  error
}

func (s *Server) newEPCISNames(ctx context.Context) *epcisNames {
	return &epcisNames{s: s, ctx: ctx, uri: map[tracegraph.ID]string{}, code: map[string]tracegraph.ID{},
		node: map[string]tracegraph.ID{}, gtin: map[string]string{}}
}

// refs records what rendering events names (epcis.Names), naming nothing.
type refs struct {
	ids   []tracegraph.ID
	codes []string
}

func (r *refs) EPC(id tracegraph.ID) string       { r.ids = append(r.ids, id); return "" }
func (r *refs) Code(code string) string           { r.codes = append(r.codes, code); return "" }
func (r *refs) Node(string) (tracegraph.ID, bool) { return "", false }

// prefetch names, in a few bulk reads of the store, every node the events
// name that is not named yet (the nodes, the nodes of bare codes, then the
// products of their part numbers), so that rendering them asks the store
// nothing more: on Neo4j a node read is a round trip. An event.voided is
// named when it is rendered, with the event it voids.
func (n *epcisNames) prefetch(evs []*tracegraph.Event) error {
	var r refs
	for _, ev := range evs {
		if ev.Type != tracegraph.EventVoided {
			_, _ = epcis.Render(ev, nil, &r)
		}
	}
	ids := slices.DeleteFunc(r.ids, func(id tracegraph.ID) bool { _, ok := n.uri[id]; return ok || !gs1Label(id.Label()) })
	codes := slices.DeleteFunc(r.codes, func(c string) bool { _, ok := n.code[c]; return ok })
	for _, c := range codes {
		ids = append(ids, tracegraph.NewID(codeLabels[0], c))
	}
	byID, err := n.read(ids)
	if err != nil {
		return err
	}
	if err := n.resolve(codes, byID); err != nil {
		return err
	}
	var products []tracegraph.ID
	for _, nd := range byID {
		if pn := nd.Str("partNumber"); pn != "" && tracegraph.CheckKey(pn) == nil {
			if _, ok := n.gtin[pn]; !ok {
				products = append(products, tracegraph.ProductID(pn))
			}
		}
	}
	ps, err := n.read(products)
	if err != nil {
		return err
	}
	for _, id := range products {
		n.gtin[id.Key()] = ""
		if p := ps[id]; p != nil {
			n.gtin[id.Key()] = p.Str("gtin")
		}
	}
	for _, id := range ids {
		if _, ok := n.uri[id]; !ok && byID[id] == nil {
			n.uri[id] = "" // named by an event, never created
		}
	}
	for id, nd := range byID {
		if _, ok := n.uri[id]; !ok {
			if err := n.named(id, nd); err != nil {
				return err
			}
		}
	}
	return nil
}

// read reads the nodes of ids in one call: those that exist, by ID.
func (n *epcisNames) read(ids []tracegraph.ID) (map[tracegraph.ID]*tracegraph.Node, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[tracegraph.ID]*tracegraph.Node, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	nodes, err := n.s.cfg.Store.Nodes(n.ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, nd := range nodes {
		if nd != nil {
			out[ids[i]] = nd
		}
	}
	return out, nil
}

// resolve finds the nodes bare codes of events name (n.code): the unit of
// that serial, else the one node of another label the code is the key of
// (none when several are). found holds the codes' units that exist, read
// by the caller; resolve adds the other nodes it reads.
func (n *epcisNames) resolve(codes []string, found map[tracegraph.ID]*tracegraph.Node) error {
	var ids []tracegraph.ID
	for _, c := range codes {
		if found[tracegraph.NewID(codeLabels[0], c)] == nil {
			for _, l := range codeLabels[1:] {
				ids = append(ids, tracegraph.NewID(l, c))
			}
		}
	}
	others, err := n.read(ids)
	if err != nil {
		return err
	}
	maps.Copy(found, others)
	for _, c := range codes {
		var one tracegraph.ID
		for _, l := range codeLabels {
			if id := tracegraph.NewID(l, c); found[id] != nil {
				if one != "" {
					one = ""
					break
				}
				one = id
				if l == codeLabels[0] {
					break
				}
			}
		}
		n.code[c] = one
	}
	return nil
}

// EPC returns id's GS1 Digital Link URI, "" when it has none.
func (n *epcisNames) EPC(id tracegraph.ID) string {
	if u, ok := n.uri[id]; ok {
		return u
	}
	if !gs1Label(id.Label()) {
		n.uri[id] = ""
		return ""
	}
	node, err := n.s.cfg.Store.Node(n.ctx, id)
	switch {
	case tracegraph.AsError(err).Code == tracegraph.CodeNotFound:
		n.uri[id] = "" // named by an event, never created: a bare reference
	case err != nil:
		n.fail(err)
	default:
		n.fail(n.named(id, node))
	}
	return n.uri[id]
}

// named gives id, read as node, its GS1 name.
func (n *epcisNames) named(id tracegraph.ID, node *tracegraph.Node) error {
	u, err := tracegraph.GS1Name(n.ctx, node, n.gtinOf)
	if err != nil {
		return err
	}
	n.uri[id] = u
	if u != "" {
		n.node[u] = id
	}
	return nil
}

// fail keeps the first error of the graph.
func (n *epcisNames) fail(err error) {
	if err != nil && n.err == nil {
		n.err = err
	}
}

// gs1Label reports whether nodes of label l may have a GS1 name.
func gs1Label(l tracegraph.Label) bool {
	switch l {
	case tracegraph.LabelUnit, tracegraph.LabelComponent, tracegraph.LabelMaterialLot, tracegraph.LabelBox, tracegraph.LabelPallet:
		return true
	}
	return false
}

// codeLabels are the labels a bare code of an event may name a node of,
// the unit first.
var codeLabels = []tracegraph.Label{tracegraph.LabelUnit, tracegraph.LabelComponent, tracegraph.LabelBox, tracegraph.LabelPallet, tracegraph.LabelMaterialLot}

// Code returns the GS1 name of the node a bare code names (resolve), ""
// when it has none.
func (n *epcisNames) Code(code string) string {
	if _, ok := n.code[code]; !ok {
		units, err := n.read([]tracegraph.ID{tracegraph.NewID(codeLabels[0], code)})
		if err == nil {
			err = n.resolve([]string{code}, units)
		}
		if err != nil {
			n.fail(err)
			return ""
		}
	}
	if id := n.code[code]; id != "" {
		return n.EPC(id)
	}
	return ""
}

// Node returns the node EPC named with uri.
func (n *epcisNames) Node(uri string) (tracegraph.ID, bool) {
	id, ok := n.node[uri]
	return id, ok
}

// gtinOf is Server.productGTIN, once per part number.
func (n *epcisNames) gtinOf(ctx context.Context, partNumber string) (string, error) {
	if g, ok := n.gtin[partNumber]; ok {
		return g, nil
	}
	g, err := n.s.productGTIN(ctx, partNumber)
	if err != nil {
		return "", err
	}
	n.gtin[partNumber] = g
	return g, nil
}

// lookup gives the nodes a GS1 key names in the store (epcis.ParseQuery).
func (s *Server) epcisLookup(ctx context.Context) func(uri string) ([]tracegraph.ID, error) {
	return func(uri string) ([]tracegraph.ID, error) {
		nodes, err := s.cfg.Store.Lookup(ctx, uri)
		if err != nil {
			return nil, err
		}
		ids := make([]tracegraph.ID, len(nodes))
		for i, nd := range nodes {
			ids[i] = nd.ID
		}
		return ids, nil
	}
}
