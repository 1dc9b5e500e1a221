package server

import (
	"context"
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

// prefetch names, in two reads of the store, every node the events name
// that is not named yet (the nodes, with the candidates of bare codes, then
// the products of their part numbers), so that rendering them asks the
// store nothing more: on Neo4j a node read is a round trip. An event.voided
// is named when it is rendered, with the event it voids.
func (n *epcisNames) prefetch(evs []*tracegraph.Event) error {
	var r refs
	for _, ev := range evs {
		if ev.Type != tracegraph.EventVoided {
			_, _ = epcis.Render(ev, nil, &r)
		}
	}
	var ids []tracegraph.ID
	for _, id := range r.ids {
		if _, ok := n.uri[id]; !ok && gs1Label(id.Label()) {
			ids = append(ids, id)
		}
	}
	codes := slices.DeleteFunc(r.codes, func(c string) bool { _, ok := n.code[c]; return ok })
	for _, c := range codes {
		for _, l := range codeLabels {
			ids = append(ids, tracegraph.NewID(l, c))
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil
	}
	nodes, err := n.s.cfg.Store.Nodes(n.ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[tracegraph.ID]*tracegraph.Node, len(nodes))
	var products []tracegraph.ID
	for i, nd := range nodes {
		byID[ids[i]] = nd
		if nd == nil {
			continue
		}
		if pn := nd.Str("partNumber"); pn != "" && tracegraph.CheckKey(pn) == nil {
			if _, ok := n.gtin[pn]; !ok {
				products = append(products, tracegraph.ProductID(pn))
			}
		}
	}
	slices.Sort(products)
	products = slices.Compact(products)
	if len(products) > 0 {
		ps, err := n.s.cfg.Store.Nodes(n.ctx, products)
		if err != nil {
			return err
		}
		for i, p := range ps {
			g := ""
			if p != nil {
				g = p.Str("gtin")
			}
			n.gtin[products[i].Key()] = g
		}
	}
	for _, c := range codes {
		n.code[c] = oneOf(c, byID)
	}
	for _, id := range ids {
		if _, ok := n.uri[id]; ok || byID[id] == nil {
			continue
		}
		if err := n.named(id, byID[id]); err != nil {
			return err
		}
	}
	return nil
}

// oneOf is the node a bare code is the key of among nodes read, "" when
// none or several.
func oneOf(code string, byID map[tracegraph.ID]*tracegraph.Node) tracegraph.ID {
	var one tracegraph.ID
	for _, l := range codeLabels {
		if byID[tracegraph.NewID(l, code)] == nil {
			continue
		}
		if one != "" {
			return ""
		}
		one = tracegraph.NewID(l, code)
	}
	return one
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
	if n.err == nil {
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

// codeLabels are the labels a bare code of an event may name a node of.
var codeLabels = []tracegraph.Label{tracegraph.LabelUnit, tracegraph.LabelComponent, tracegraph.LabelBox, tracegraph.LabelPallet, tracegraph.LabelMaterialLot}

// Code returns the GS1 name of the one node a bare code is the key of, ""
// when it has none or the code is the key of several.
func (n *epcisNames) Code(code string) string {
	id, ok := n.code[code]
	if !ok {
		ids := make([]tracegraph.ID, len(codeLabels))
		for i, l := range codeLabels {
			ids[i] = tracegraph.NewID(l, code)
		}
		nodes, err := n.s.cfg.Store.Nodes(n.ctx, ids)
		if err != nil {
			n.fail(err)
			return ""
		}
		byID := map[tracegraph.ID]*tracegraph.Node{}
		for i, nd := range nodes {
			byID[ids[i]] = nd
		}
		id = oneOf(code, byID)
		n.code[code] = id
	}
	if id == "" {
		return ""
	}
	return n.EPC(id)
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
