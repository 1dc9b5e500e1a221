package tracegraph

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Label is the kind of a node. Labels are part of the public contract: they
// appear in global IDs, in GraphQL and as Neo4j labels.
type Label string

// The node labels of the genealogy graph.
const (
	LabelUnit        Label = "Unit"
	LabelComponent   Label = "Component"
	LabelMaterialLot Label = "MaterialLot"
	LabelWaferBatch  Label = "WaferBatch"
	LabelBox         Label = "Box"
	LabelPallet      Label = "Pallet"
	LabelShipment    Label = "Shipment"
	LabelCustomer    Label = "Customer"
	LabelTestRun     Label = "TestRun"
	LabelProcessStep Label = "ProcessStep"
	LabelWorkOrder   Label = "WorkOrder"
	LabelSupplier    Label = "Supplier"
	LabelStation     Label = "Station"
	// LabelProduct: what a part number is (product.defined), keyed by the part number.
	LabelProduct Label = "Product"
	// LabelRoute: the tests a part number's units must pass before they
	// are packed or shipped (route.defined); keyed by the part number.
	LabelRoute Label = "Route"
)

// Labels lists every label, in a fixed order. Stores may use the index of a
// label in this list as its compact code.
var Labels = []Label{
	LabelUnit, LabelComponent, LabelMaterialLot, LabelWaferBatch, LabelBox, LabelPallet,
	LabelShipment, LabelCustomer, LabelTestRun, LabelProcessStep, LabelWorkOrder,
	LabelSupplier, LabelStation, LabelProduct, LabelRoute,
}

// Valid reports whether l is one of Labels.
func (l Label) Valid() bool { return l.Code() >= 0 }

// Code is the index of l in Labels, or -1.
func (l Label) Code() int {
	for i, x := range Labels {
		if x == l {
			return i
		}
	}
	return -1
}

// IsContainer reports whether l is a packaging or shipping label (Box, Pallet,
// Shipment): nodes that aggregate units without being made of them.
func (l Label) IsContainer() bool {
	return l == LabelBox || l == LabelPallet || l == LabelShipment
}

// IsMaterial reports whether l is material that units are built from and that
// can be held: lots, components and wafer batches.
func (l Label) IsMaterial() bool {
	return l == LabelMaterialLot || l == LabelComponent || l == LabelWaferBatch
}

// EdgeType is the type of a relationship. Edge types are part of the public
// contract.
type EdgeType string

// The relationship types of the genealogy graph.
const (
	// EdgeContains: Unit → Unit or Component (assembly), Box → Unit,
	// Pallet → Box or Unit, Shipment → Pallet, Box or Unit.
	EdgeContains EdgeType = "CONTAINS"
	// EdgeConsumed: Unit → MaterialLot, with precision.
	EdgeConsumed EdgeType = "CONSUMED"
	// EdgeDerivedFrom: MaterialLot → MaterialLot or WaferBatch, Component → WaferBatch or MaterialLot.
	EdgeDerivedFrom EdgeType = "DERIVED_FROM"
	// EdgeTestedBy: Unit → TestRun.
	EdgeTestedBy EdgeType = "TESTED_BY"
	// EdgeProcessedBy: Unit → ProcessStep.
	EdgeProcessedBy EdgeType = "PROCESSED_BY"
	// EdgeShippedTo: Shipment → Customer.
	EdgeShippedTo EdgeType = "SHIPPED_TO"
	// EdgeSuppliedBy: MaterialLot, Component or WaferBatch → Supplier.
	EdgeSuppliedBy EdgeType = "SUPPLIED_BY"
	// EdgeForOrder: Unit → WorkOrder, the work order the unit was built under.
	EdgeForOrder EdgeType = "FOR_ORDER"
)

// EdgeTypes lists every edge type, in a fixed order. Stores may use the index
// of a type in this list as its compact code.
var EdgeTypes = []EdgeType{
	EdgeContains, EdgeConsumed, EdgeDerivedFrom, EdgeTestedBy, EdgeProcessedBy,
	EdgeShippedTo, EdgeSuppliedBy, EdgeForOrder,
}

// Valid reports whether t is one of EdgeTypes.
func (t EdgeType) Valid() bool { return t.Code() >= 0 }

// Code is the index of t in EdgeTypes, or -1.
func (t EdgeType) Code() int {
	for i, x := range EdgeTypes {
		if x == t {
			return i
		}
	}
	return -1
}

// Structural reports whether edges of type t make up the genealogy that holds
// and recalls travel along: assembly, consumption and derivation.
func (t EdgeType) Structural() bool {
	return t == EdgeContains || t == EdgeConsumed || t == EdgeDerivedFrom
}

// ID is a node's global ID, "Label:key", readable by a person and stable forever.
type ID string

// MaxKeyLen is the longest key accepted for a node.
const MaxKeyLen = 200

// NewID returns the global ID of the node with label l and key.
func NewID(l Label, key string) ID { return ID(string(l) + ":" + key) }

// ParseID splits a global ID into its label and key. It fails with INVALID when
// s has no known label prefix or the key is not acceptable.
func ParseID(s string) (Label, string, error) {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return "", "", Errorf(CodeInvalid, "", "%q is not a global ID (want Label:key, e.g. Unit:SN1)", s)
	}
	l := Label(s[:i])
	if !l.Valid() {
		return "", "", Errorf(CodeInvalid, "", "%q has an unknown label %q", s, l)
	}
	key := s[i+1:]
	if err := CheckKey(key); err != nil {
		return "", "", Errorf(CodeInvalid, "", "%q: %s", s, err.(*Error).Message)
	}
	return l, key, nil
}

// LooksLikeID reports whether s starts with a known label and a colon.
func LooksLikeID(s string) bool {
	i := strings.IndexByte(s, ':')
	return i > 0 && Label(s[:i]).Valid()
}

// Label is the label part of id ("" when id is malformed).
func (id ID) Label() Label {
	i := strings.IndexByte(string(id), ':')
	if i < 0 {
		return ""
	}
	return Label(id[:i])
}

// Key is the key part of id.
func (id ID) Key() string {
	i := strings.IndexByte(string(id), ':')
	return string(id[i+1:])
}

// CheckKey reports whether key can name a node: non-empty, at most MaxKeyLen
// bytes of valid UTF-8, no control characters and no surrounding spaces.
func CheckKey(key string) error {
	switch {
	case key == "":
		return Errorf(CodeInvalid, "", "key is empty")
	case len(key) > MaxKeyLen:
		return Errorf(CodeInvalid, "", "key is longer than %d bytes", MaxKeyLen)
	case !utf8.ValidString(key):
		return Errorf(CodeInvalid, "", "key is not valid UTF-8")
	case strings.TrimSpace(key) != key:
		return Errorf(CodeInvalid, "", "key %q has leading or trailing spaces", key)
	}
	for _, r := range key {
		if unicode.IsControl(r) {
			return Errorf(CodeInvalid, "", "key %q has a control character", key)
		}
	}
	return nil
}

// String implements fmt.Stringer.
func (id ID) String() string { return string(id) }

var _ fmt.Stringer = ID("")
