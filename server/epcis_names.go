package server

import (
	"context"

	"github.com/tracegraph/tracegraph"
)

// epcisNames gives the nodes of one EPCIS answer their GS1 names
// (tracegraph.GS1Name: units and components by GTIN and serial, lots by
// GTIN and lot, containers by SSCC), reading each node and each part
// number's product once. It implements epcis.Names; the first error of the
// graph is kept in err and fails the answer.
type epcisNames struct {
	s    *Server
	ctx  context.Context
	uri  map[tracegraph.ID]string
	node map[string]tracegraph.ID
	gtin map[string]string
	err  error
}

func (s *Server) newEPCISNames(ctx context.Context) *epcisNames {
	return &epcisNames{s: s, ctx: ctx, uri: map[tracegraph.ID]string{}, node: map[string]tracegraph.ID{}, gtin: map[string]string{}}
}

// EPC returns id's GS1 Digital Link URI, "" when it has none.
func (n *epcisNames) EPC(id tracegraph.ID) string {
	if u, ok := n.uri[id]; ok {
		return u
	}
	u, err := n.name(id)
	if err != nil {
		if n.err == nil {
			n.err = err
		}
		return ""
	}
	n.uri[id] = u
	if u != "" {
		n.node[u] = id
	}
	return u
}

// codeLabels are the labels a bare code of an event may name a node of.
var codeLabels = []tracegraph.Label{tracegraph.LabelUnit, tracegraph.LabelComponent, tracegraph.LabelBox, tracegraph.LabelPallet, tracegraph.LabelMaterialLot}

// Code returns the GS1 name of the one node a bare code is the key of, ""
// when it has none or the code is the key of several.
func (n *epcisNames) Code(code string) string {
	ids := make([]tracegraph.ID, len(codeLabels))
	for i, l := range codeLabels {
		ids[i] = tracegraph.NewID(l, code)
	}
	nodes, err := n.s.cfg.Store.Nodes(n.ctx, ids)
	if err != nil {
		if n.err == nil {
			n.err = err
		}
		return ""
	}
	var one tracegraph.ID
	for _, nd := range nodes {
		if nd == nil {
			continue
		}
		if one != "" {
			return ""
		}
		one = nd.ID
	}
	if one == "" {
		return ""
	}
	return n.EPC(one)
}

// Node returns the node EPC named with uri.
func (n *epcisNames) Node(uri string) (tracegraph.ID, bool) {
	id, ok := n.node[uri]
	return id, ok
}

func (n *epcisNames) name(id tracegraph.ID) (string, error) {
	switch id.Label() {
	case tracegraph.LabelUnit, tracegraph.LabelComponent, tracegraph.LabelMaterialLot, tracegraph.LabelBox, tracegraph.LabelPallet:
	default:
		return "", nil
	}
	node, err := n.s.cfg.Store.Node(n.ctx, id)
	if tracegraph.AsError(err).Code == tracegraph.CodeNotFound {
		return "", nil // named by an event, never created: a bare reference
	}
	if err != nil {
		return "", err
	}
	return tracegraph.GS1Name(n.ctx, node, n.gtinOf)
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
