package model

import (
	"io"
	"strconv"

	"github.com/tracegraph/tracegraph"
)

// TraceDirection is the GraphQL enum of tracegraph.Direction.
type TraceDirection string

// The directions.
const (
	TraceDirectionUpstream   TraceDirection = "UPSTREAM"
	TraceDirectionDownstream TraceDirection = "DOWNSTREAM"
	TraceDirectionBoth       TraceDirection = "BOTH"
)

// Domain returns the tracegraph.Direction.
func (d TraceDirection) Domain() tracegraph.Direction { return tracegraph.Direction(d) }

// MarshalGQL implements graphql.Marshaler.
func (d TraceDirection) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (d *TraceDirection) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !tracegraph.Direction(s).Valid() {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "direction", "%v is not UPSTREAM, DOWNSTREAM or BOTH", v)
	}
	*d = TraceDirection(s)
	return nil
}

// EdgeType is the GraphQL enum of tracegraph.EdgeType.
type EdgeType string

// MarshalGQL implements graphql.Marshaler.
func (t EdgeType) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (t *EdgeType) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !tracegraph.EdgeType(s).Valid() {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "edgeTypes", "%v is not an edge type", v)
	}
	*t = EdgeType(s)
	return nil
}

// Domain returns the tracegraph.EdgeType.
func (t EdgeType) Domain() tracegraph.EdgeType { return tracegraph.EdgeType(t) }

// Precision is the GraphQL enum of tracegraph.Precision.
type Precision string

// The precisions.
const (
	PrecisionExact     Precision = "EXACT"
	PrecisionCandidate Precision = "CANDIDATE"
	PrecisionOrder     Precision = "ORDER"
)

// PrecisionOf returns the enum value of p (EXACT for an unknown precision:
// only CONSUMED edges carry one, every other link is exact).
func PrecisionOf(p tracegraph.Precision) Precision {
	if p == tracegraph.PrecisionUnknown {
		return PrecisionExact
	}
	return Precision(p.String())
}

// Domain returns the tracegraph.Precision.
func (p Precision) Domain() tracegraph.Precision {
	d, _ := tracegraph.ParsePrecision(string(p))
	return d
}

// MarshalGQL implements graphql.Marshaler.
func (p Precision) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(p))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (p *Precision) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if _, err := tracegraph.ParsePrecision(s); err != nil || s == "" {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "precision", "%v is not EXACT, CANDIDATE or ORDER", v)
	}
	*p = Precision(s)
	return nil
}
