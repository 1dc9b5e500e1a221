package graph

import (
	"slices"
	"sync"
	"unsafe"

	"github.com/vektah/gqlparser/v2/ast"
)

// maxShapes bounds shapeCache's documents and page shapes: when either is
// full it starts again empty.
const maxShapes = 4096

// pageShapes is the record path's plan of one node field of the query
// (a TraceNodeEdge.node field, as collected) for the node types planned:
// each type's recordPlan (absent when the record path does not write that
// type), and the properties a page reads, the union of the plans' sorted,
// in which each plan's columns are. Its errs are the types whose planning
// failed (the fast executor then declines the operation, as when it plans
// them per page).
type pageShapes struct {
	plans map[string]*recordPlan
	errs  map[string]error
	keys  []string
}

// newPageShapes plans node field nf for each type of types (node types).
func (x *fastExec) newPageShapes(nf *fastField, types []string) *pageShapes {
	ps := &pageShapes{plans: map[string]*recordPlan{}}
	var shapes []*recordShape
	for _, typ := range types {
		fields, err := x.plan(nf, typ)
		if err != nil {
			if ps.errs == nil {
				ps.errs = map[string]error{}
			}
			ps.errs[typ] = err
			continue
		}
		if rs := x.q.newRecordShape(typ, fields); rs != nil {
			shapes = append(shapes, rs)
			for _, spec := range rs.specs {
				if spec.key != "" {
					ps.keys = append(ps.keys, spec.key)
				}
			}
		}
	}
	slices.Sort(ps.keys)
	ps.keys = slices.Compact(ps.keys)
	for _, rs := range shapes {
		ps.plans[rs.typ] = rs.compile(ps.keys)
	}
	return ps
}

// shapeCache keeps the record path's page shapes across requests, by
// document (gqlgen's query cache hands out one parsed document per query
// text) and the exact selections of the node field planned (a fragment
// merged differently in two places is planned apart). Only documents with
// no directive anywhere are kept: field collection then depends on nothing
// but the document (no @skip/@include on variables, no @defer), so shapes
// planned once, for every node type, are the shapes of every request of
// that document.
type shapeCache struct {
	mu     sync.Mutex
	plain  map[*ast.QueryDocument]bool
	shapes map[shapeKey][]*shapeEntry
	n      int // entries in shapes
}

// shapeKey finds a node field's entries: its document and a hash of its
// selections (the entries hold the selections themselves, compared on a
// hit).
type shapeKey struct {
	doc  *ast.QueryDocument
	hash uint64
}

type shapeEntry struct {
	sels []ast.Selection
	ps   *pageShapes
}

// key returns the key of node field nf's shapes in doc, and whether they
// may be cached.
func (c *shapeCache) key(doc *ast.QueryDocument, nf *fastField) (shapeKey, bool) {
	if doc == nil {
		return shapeKey{}, false
	}
	c.mu.Lock()
	plain, ok := c.plain[doc]
	c.mu.Unlock()
	if !ok {
		plain = noDirectives(doc)
		c.mu.Lock()
		if c.plain == nil || len(c.plain) >= maxShapes {
			c.plain, c.shapes, c.n = map[*ast.QueryDocument]bool{}, nil, 0
		}
		c.plain[doc] = plain
		c.mu.Unlock()
	}
	if !plain {
		return shapeKey{}, false
	}
	h := uint64(14695981039346656037) // FNV-1a over the selections' addresses
	for _, sel := range nf.cf.Selections {
		h = (h ^ uint64(selectionAddr(sel))) * 1099511628211
	}
	return shapeKey{doc, h}, true
}

// selectionAddr is the address of the node sel points to.
func selectionAddr(sel ast.Selection) uintptr {
	switch s := sel.(type) {
	case *ast.Field:
		return uintptr(unsafe.Pointer(s))
	case *ast.InlineFragment:
		return uintptr(unsafe.Pointer(s))
	case *ast.FragmentSpread:
		return uintptr(unsafe.Pointer(s))
	}
	return 0
}

// get returns the shapes of the node field with the selections sels.
func (c *shapeCache) get(k shapeKey, sels []ast.Selection) (*pageShapes, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.shapes[k] {
		if slices.Equal(e.sels, sels) {
			return e.ps, true
		}
	}
	return nil, false
}

func (c *shapeCache) put(k shapeKey, sels []ast.Selection, ps *pageShapes) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shapes == nil || c.n >= maxShapes {
		c.shapes, c.n = map[shapeKey][]*shapeEntry{}, 0
		c.plain = map[*ast.QueryDocument]bool{k.doc: true}
	}
	c.shapes[k] = append(c.shapes[k], &shapeEntry{slices.Clone(sels), ps})
	c.n++
}

// noDirectives reports whether no operation or fragment of doc has a
// directive anywhere.
func noDirectives(doc *ast.QueryDocument) bool {
	for _, op := range doc.Operations {
		if len(op.Directives) > 0 || !setWithoutDirectives(op.SelectionSet) {
			return false
		}
	}
	for _, f := range doc.Fragments {
		if len(f.Directives) > 0 || !setWithoutDirectives(f.SelectionSet) {
			return false
		}
	}
	return true
}

func setWithoutDirectives(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.Directives) > 0 || !setWithoutDirectives(s.SelectionSet) {
				return false
			}
		case *ast.InlineFragment:
			if len(s.Directives) > 0 || !setWithoutDirectives(s.SelectionSet) {
				return false
			}
		case *ast.FragmentSpread:
			if len(s.Directives) > 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// keyCache keeps the quoted aliases and colons the fast executor writes
// before fields' values, made once per alias instead of for every field
// of every request; at most maxShapes, then it starts again empty.
type keyCache struct {
	mu   sync.RWMutex
	keys map[string]string
}

// key returns alias quoted, with a colon.
func (c *keyCache) key(alias string) string {
	c.mu.RLock()
	k, ok := c.keys[alias]
	c.mu.RUnlock()
	if ok {
		return k
	}
	k = string(append(appendQuoted(nil, alias), ':'))
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= maxShapes {
		c.keys = map[string]string{}
	}
	c.keys[alias] = k
	c.mu.Unlock()
	return k
}
