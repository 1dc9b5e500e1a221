package tracegraph

import "context"

// PropKind is the kind of a property value as PropsReader reports it.
type PropKind uint8

// The kinds of property values PropsReader tells apart: the ones the
// GraphQL node fields read (a string, a number), and the rest.
const (
	// PropAbsent: the node has no property of that name.
	PropAbsent PropKind = iota
	// PropString: a string (PropValue.Str).
	PropString
	// PropNumber: a number (PropValue.Num).
	PropNumber
	// PropOther: anything else (null, a bool, a list, an object).
	PropOther
)

// PropValue is one property value of a node as PropsReader reports it.
type PropValue struct {
	Kind PropKind
	Str  string
	Num  float64
}

// PropValueOf returns the PropValue of v, a value of Node.Props (absent
// when ok is false, as a map lookup reports it).
func PropValueOf(v any, ok bool) PropValue {
	switch x := v.(type) {
	case string:
		return PropValue{Kind: PropString, Str: x}
	case float64:
		return PropValue{Kind: PropNumber, Num: x}
	}
	if !ok {
		return PropValue{}
	}
	return PropValue{Kind: PropOther}
}

// PropsReader is implemented by stores that can read some properties of
// many nodes without building their property maps (the embedded store reads
// them from its records). Nothing requires it: callers use Graph.Nodes
// when a store does not implement it.
type PropsReader interface {
	// ReadProps reads the properties named by keys (no repeats) of each
	// node of ids: for ids[i] it sets found[i], false when Nodes would
	// return nil for it, and for a node found out[i*len(keys)+k] to
	// PropValueOf(p[keys[k]]) where p is the Props of the node Nodes
	// returns (the rows of the nodes not found are left unspecified).
	// found and out are the caller's, of len(ids) and len(ids)*len(keys).
	// Safe for concurrent use.
	ReadProps(ctx context.Context, ids []ID, keys []string, found []bool, out []PropValue) error
}
