package tracegraph

import "context"

// EmptyGraph is a GraphReader of a store with nothing in it: the base of a
// replay of the log from its start (the Neo4j store's verify) or of rules
// applied without a store (tests).
type EmptyGraph struct{}

// GetNode implements GraphReader.
func (EmptyGraph) GetNode(context.Context, ID) (*Node, error) { return nil, nil }

// ViewNode implements GraphReader.
func (EmptyGraph) ViewNode(context.Context, ID) (*Node, error) { return nil, nil }

// IdentifierOwners implements GraphReader.
func (EmptyGraph) IdentifierOwners(context.Context, string) ([]Identifier, error) { return nil, nil }

// NodeEdges implements GraphReader.
func (EmptyGraph) NodeEdges(context.Context, ID, Direction, bool) ([]Edge, error) { return nil, nil }

// SelectEdges implements GraphReader.
func (EmptyGraph) SelectEdges(context.Context, ID, EdgeSelect) ([]Edge, error) { return nil, nil }

// HeldBy implements GraphReader.
func (EmptyGraph) HeldBy(context.Context, string) ([]ID, error) { return nil, nil }

// EventByID implements GraphReader.
func (EmptyGraph) EventByID(context.Context, string) (*Event, string, error) { return nil, "", nil }

// EdgesByEvent implements GraphReader.
func (EmptyGraph) EdgesByEvent(context.Context, uint64) ([]Edge, error) { return nil, nil }
