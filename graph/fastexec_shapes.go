package graph

import (
	"reflect"
	"strconv"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// maxShapes bounds shapeCache's documents and shapes: when either is full
// it starts again empty.
const maxShapes = 4096

// shapeCache keeps the record path's node shapes across requests, by
// document (gqlgen's query cache hands out one parsed document per query
// text), node type and the exact selections planned. Only documents with
// no directive anywhere are kept: field collection then depends on nothing
// but the document (no @skip/@include on variables, no @defer), so a shape
// planned once is the shape of every request of that document.
type shapeCache struct {
	mu     sync.Mutex
	plain  map[*ast.QueryDocument]bool
	shapes map[shapeKey]*recordShape
}

type shapeKey struct {
	doc  *ast.QueryDocument
	typ  string
	sels string // the addresses of the selections planned, in order
}

// key returns the key of node field nf's shape for type typ in doc, and
// whether it may be cached.
func (c *shapeCache) key(doc *ast.QueryDocument, nf *fastField, typ string) (shapeKey, bool) {
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
			c.plain, c.shapes = map[*ast.QueryDocument]bool{}, nil
		}
		c.plain[doc] = plain
		c.mu.Unlock()
	}
	if !plain {
		return shapeKey{}, false
	}
	var b []byte
	for _, sel := range nf.cf.Selections {
		b = strconv.AppendUint(b, uint64(reflect.ValueOf(sel).Pointer()), 16)
		b = append(b, ' ')
	}
	return shapeKey{doc, typ, string(b)}, true
}

func (c *shapeCache) get(k shapeKey) (*recordShape, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs, ok := c.shapes[k]
	return rs, ok
}

func (c *shapeCache) put(k shapeKey, rs *recordShape) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shapes == nil || len(c.shapes) >= maxShapes {
		c.shapes = map[shapeKey]*recordShape{}
		c.plain = map[*ast.QueryDocument]bool{k.doc: true}
	}
	c.shapes[k] = rs
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
