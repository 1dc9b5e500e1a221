// Resolution and reading helpers the rules share.

package tracegraph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// resolve finds the node a reference names: a global ID, or a bare code that
// names exactly one node among labels (a key or an additional number).
func (tx *Tx) resolve(field, ref string, labels ...Label) (*Node, error) {
	return tx.resolveBy(tx.GetNode, field, ref, labels)
}

// resolveView is resolve for a node the caller only reads (ViewNode): it
// must not change it.
func (tx *Tx) resolveView(field, ref string, labels ...Label) (*Node, error) {
	return tx.resolveBy(tx.ViewNode, field, ref, labels)
}

// resolveBy is resolve reading nodes with get.
func (tx *Tx) resolveBy(get func(context.Context, ID) (*Node, error), field, ref string, labels []Label) (*Node, error) {
	if LooksLikeID(ref) {
		l, _, err := ParseID(ref)
		if err != nil {
			return nil, err.(*Error).withField("data." + field)
		}
		if len(labels) > 0 && !slices.Contains(labels, l) {
			return nil, Errorf(CodeInvalid, "data."+field, "data.%s %s is a %s; want %s", field, ref, l, joinLabels(labels))
		}
		n, err := get(tx.ctx, ID(ref))
		if err != nil {
			return nil, err
		}
		if n == nil {
			return nil, Errorf(CodeNotFound, "data."+field, "data.%s: %s does not exist", field, ref)
		}
		return n, nil
	}
	var found []*Node
	for _, l := range labelsOr(labels) {
		n, err := get(tx.ctx, NewID(l, ref))
		if err != nil {
			return nil, err
		}
		if n != nil {
			found = append(found, n)
		}
	}
	owners, err := IdentifierOwnersOf(ref, func(v string) ([]Identifier, error) { return tx.IdentifierOwners(tx.ctx, v) })
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		if len(labels) > 0 && !slices.Contains(labels, o.Node.Label()) {
			continue
		}
		if slices.ContainsFunc(found, func(n *Node) bool { return n.ID == o.Node }) {
			continue
		}
		n, err := get(tx.ctx, o.Node)
		if err != nil {
			return nil, err
		}
		if n != nil {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		return nil, Errorf(CodeNotFound, "data."+field, "data.%s: no %s with code %q", field, joinLabels(labels), ref)
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, n := range found {
		ids[i] = string(n.ID)
	}
	return nil, Errorf(CodeInvalid, "data."+field, "data.%s: code %q names %s; use a global ID", field, ref, strings.Join(ids, " and "))
}

func labelsOr(labels []Label) []Label {
	if len(labels) == 0 {
		return Labels
	}
	return labels
}

func joinLabels(labels []Label) string {
	if len(labels) == 0 {
		return "node"
	}
	s := make([]string, len(labels))
	for i, l := range labels {
		s[i] = string(l)
	}
	return strings.Join(s, " or ")
}

func (tx *Tx) exists(id ID) (*Node, error) { return tx.GetNode(tx.ctx, id) }

// existsView is exists for reading only (ViewNode): the node must not be
// changed.
func (tx *Tx) existsView(id ID) (*Node, error) { return tx.ViewNode(tx.ctx, id) }

// mustBeNew refuses a key that names an existing node.
func (tx *Tx) mustBeNew(field string, id ID) error {
	n, err := tx.existsView(id)
	if err != nil {
		return err
	}
	return existing(field, id, n)
}

// existing is mustBeNew's refusal of the node n, read as id, named by
// field (nil: none).
func existing(field string, id ID, n *Node) error {
	if n != nil {
		return Errorf(CodeConflict, "data."+field, "%s already exists (created by event %q)", id, n.CreatedBy)
	}
	return nil
}

// holders returns the open CONTAINS edges into id: its parent unit or container.
func (tx *Tx) holders(id ID) ([]Edge, error) {
	return tx.SelectEdges(tx.ctx, id, EdgeSelect{Dir: Downstream, Type: EdgeContains})
}

// ensureNode puts the node l:key unless it exists, with the string props
// kv (name, value, name, value...): the props are made only for a new one.
func (tx *Tx) ensureNode(l Label, key string, kv ...string) (ID, error) {
	id := NewID(l, key)
	n, err := tx.existsView(id)
	if err != nil {
		return "", err
	}
	if n == nil {
		props := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			props[kv[i]] = kv[i+1]
		}
		tx.putNode(&Node{ID: id, Label: l, Props: props, CreatedBy: tx.ev.ID})
	}
	return id, nil
}

// nodeOrNew returns the node l:key, or a new one with props that the caller
// puts (putNode) when it has set it up.
func (tx *Tx) nodeOrNew(l Label, key string, props map[string]any) (*Node, error) {
	n, err := tx.exists(NewID(l, key))
	if err != nil || n != nil {
		return n, err
	}
	return &Node{ID: NewID(l, key), Label: l, Props: props, CreatedBy: tx.ev.ID}, nil
}

func (tx *Tx) newNode(l Label, key string, props map[string]any) *Node {
	n := &Node{ID: NewID(l, key), Label: l, Props: props, CreatedBy: tx.ev.ID}
	tx.putNode(n)
	return n
}

func setStr(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// nonEmpty counts the strings of ss that are not "" (the props setStr sets).
func nonEmpty(ss ...string) int {
	n := 0
	for _, s := range ss {
		if s != "" {
			n++
		}
	}
	return n
}

// trues counts the conditions of cs that hold (the props set when they do).
func trues(cs ...bool) int {
	n := 0
	for _, c := range cs {
		if c {
			n++
		}
	}
	return n
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func holdText(n *Node) string {
	h := n.Holds[0]
	s := fmt.Sprintf("%s is on hold since %s: %s (hold %q", n.ID, ts(h.Since), h.Reason, h.ID)
	if h.Source != n.ID {
		s += fmt.Sprintf(" on %s", h.Source)
	}
	return s + ")"
}
