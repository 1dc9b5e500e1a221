package tracegraph

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// What a label says: LabelData reads a unit, box or pallet and returns the
// content of its label, which package label draws as PNG, SVG, PDF or ZPL.
//
//   - A unit's label carries a GS1 Data Matrix of (01) its product's GTIN
//     and (21) its serial, optionally (11) its production date and (10) its
//     work order as the lot; or, with DigitalLink, the GS1 Digital Link URI
//     of the same on the public base URL (what a phone opens). Under it:
//     serial, part number and revision.
//   - A box's or pallet's label carries a GS1-128 of (00) its SSCC, and
//     says what it holds (the count of its direct contents by kind).

// Label kinds: the templates a label is drawn with.
const (
	LabelKindUnit   = "unit"
	LabelKindBox    = "box"
	LabelKindPallet = "pallet"
)

// LabelOptions changes what a label carries.
type LabelOptions struct {
	// DigitalLink puts the GS1 Digital Link URI on PublicURL into a unit's
	// Data Matrix instead of the element string.
	DigitalLink bool
	// PublicURL is the public base URL of the Digital Link resolver
	// ("https://id.example.com").
	PublicURL string
	// Lot adds (10) the unit's work order; Date adds (11) its production
	// date (the day it was created, UTC).
	Lot, Date bool
	// GTIN returns the GTIN of a part number ("" when it has none); nil:
	// only the unit's own GTIN identifier counts.
	GTIN func(ctx context.Context, partNumber string) (string, error)
}

// LabelLine is one line of human-readable text on a label.
type LabelLine struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// LabelContent is what one label carries.
type LabelContent struct {
	// ID is the node the label is for; Kind its template (LabelKind*).
	ID   ID     `json:"id"`
	Kind string `json:"kind"`
	// Elements is the GS1 element string of the symbol.
	Elements ElementString `json:"elements"`
	// URI, when set, is what the Data Matrix holds instead (a Digital Link).
	URI string `json:"uri,omitempty"`
	// Lines are the human-readable text, in order.
	Lines []LabelLine `json:"lines"`
}

// TwoD reports whether the label's symbol is a Data Matrix (units); boxes
// and pallets carry a GS1-128.
func (l *LabelContent) TwoD() bool { return l.Kind == LabelKindUnit }

// Decoded returns exactly what a decoder reads from the label's symbol: the
// URI, or the element string with GS separators.
func (l *LabelContent) Decoded() string {
	if l.URI != "" {
		return l.URI
	}
	return l.Elements.Scanned()
}

// LabelData returns the content of the label of a unit, box or pallet.
// Errors: NOT_FOUND, INVALID (field "id") for another kind of node, a unit
// without a GTIN or a container without an SSCC, and errors of the graph.
func LabelData(ctx context.Context, g Graph, id ID, opts LabelOptions) (*LabelContent, error) {
	n, err := g.Node(ctx, id)
	if err != nil {
		return nil, err
	}
	switch n.Label {
	case LabelUnit:
		return unitLabel(ctx, n, opts)
	case LabelBox, LabelPallet:
		return containerLabel(ctx, g, n)
	}
	return nil, Errorf(CodeInvalid, "id", "%s is a %s: labels are printed for units, boxes and pallets", id, n.Label)
}

// unitGTIN returns the GTIN of a unit: its product's (gtinOf, when not
// nil), else its own GTIN identifier, as 14 digits; "" when it has none.
func unitGTIN(ctx context.Context, n *Node, gtinOf func(ctx context.Context, partNumber string) (string, error)) (string, error) {
	if gtinOf != nil {
		g, err := gtinOf(ctx, n.Str("partNumber"))
		if err != nil {
			return "", err
		}
		if g != "" {
			return GTIN14(g), nil
		}
	}
	if ids, ok := n.Props["identifiers"].(map[string]any); ok {
		if g, _ := ids[SchemeGTIN].(string); ValidGTIN(g) {
			return GTIN14(g), nil
		}
	}
	return "", nil
}

func unitLabel(ctx context.Context, n *Node, opts LabelOptions) (*LabelContent, error) {
	gtin, err := unitGTIN(ctx, n, opts.GTIN)
	if err != nil {
		return nil, fmt.Errorf("label %s: %w", n.ID, err)
	}
	if gtin == "" {
		return nil, Errorf(CodeInvalid, "id", "%s has no GTIN: define its part number %q as a product with a GTIN, or assign the unit a GTIN identifier",
			n.ID, n.Str("partNumber"))
	}
	es := ElementString{{AI: "01", Value: gtin}}
	if opts.Date {
		t := n.Time("createdAt").UTC()
		if t.IsZero() {
			return nil, Errorf(CodeInvalid, "date", "%s has no creation time for (11)", n.ID)
		}
		es = append(es, GS1Field{AI: "11", Value: t.Format("060102")})
	}
	es = append(es, GS1Field{AI: "21", Value: n.Key()})
	if opts.Lot {
		wo := n.Str("workOrder")
		if wo == "" {
			return nil, Errorf(CodeInvalid, "lot", "%s has no work order for (10)", n.ID)
		}
		es = append(es, GS1Field{AI: "10", Value: wo})
	}
	if err := es.Validate(); err != nil {
		return nil, Errorf(CodeInvalid, "id", "%s cannot be a GS1 label: %s", n.ID, AsError(err).Message)
	}
	l := &LabelContent{ID: n.ID, Kind: LabelKindUnit, Elements: es, Lines: []LabelLine{
		{"Serial", n.Key()}, {"Part number", n.Str("partNumber")},
	}}
	if r := n.Str("revision"); r != "" {
		l.Lines = append(l.Lines, LabelLine{"Revision", r})
	}
	if opts.DigitalLink {
		if opts.PublicURL == "" {
			return nil, Errorf(CodeInvalid, "link", "no public base URL is configured for Digital Link labels (serve --public-url)")
		}
		if l.URI, err = es.DigitalLink(opts.PublicURL); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func containerLabel(ctx context.Context, g Graph, n *Node) (*LabelContent, error) {
	sscc := n.Str("sscc")
	if sscc == "" {
		return nil, Errorf(CodeInvalid, "id", "%s has no SSCC: pack it with one (packed, data.sscc) to print its label", n.ID)
	}
	edges, err := g.Edges(ctx, []ID{n.ID}, EdgeQuery{Direction: Upstream, Types: []EdgeType{EdgeContains}})
	if err != nil {
		return nil, fmt.Errorf("label %s: %w", n.ID, err)
	}
	count := map[Label]int{}
	for _, e := range edges[0] {
		count[e.Target.Label()]++
	}
	kind := LabelKindBox
	if n.Label == LabelPallet {
		kind = LabelKindPallet
	}
	l := &LabelContent{ID: n.ID, Kind: kind, Elements: ElementString{{AI: "00", Value: sscc}},
		Lines: []LabelLine{{strings.ToUpper(kind[:1]) + kind[1:], n.Key()}, {"SSCC", sscc}, {"Contents", contentsText(count)}}}
	return l, nil
}

// contentsText says what a container holds: "40 boxes", "20 units", "empty".
func contentsText(count map[Label]int) string {
	names := map[Label][2]string{
		LabelUnit: {"unit", "units"}, LabelBox: {"box", "boxes"}, LabelPallet: {"pallet", "pallets"},
		LabelComponent: {"component", "components"},
	}
	var parts []string
	for l, c := range count {
		nm, ok := names[l]
		if !ok {
			nm = [2]string{string(l), string(l)}
		}
		if c == 1 {
			parts = append(parts, fmt.Sprintf("1 %s", nm[0]))
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", c, nm[1]))
		}
	}
	if len(parts) == 0 {
		return "empty"
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
