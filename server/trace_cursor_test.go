package server_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
)

// TestTraceCursorsWhenAsked: a trace page's edge cursors are made only when
// the query asks for them, so every way of asking must still get them:
// directly, aliased, through inline and named fragments on TraceNodeEdge,
// under @include with a variable, and beside a first/after page. Each
// cursor must be the edge's offset ("o:N", base64url), and a query that
// skips the field gets none.
func TestTraceCursorsWhenAsked(t *testing.T) {
	ts := startScenario(t, nil)
	const trace = `trace(from: ["Unit:PROD-0001"], direction: UPSTREAM`
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		key         string // the cursor's key in each edge ("": none)
		first       int    // offset of the first edge
	}{
		{"direct", `{ ` + trace + `) { nodes { edges { cursor } } } }`, nil, "cursor", 0},
		{"aliased", `{ ` + trace + `) { nodes { edges { c: cursor node { id } } } } }`, nil, "c", 0},
		{"inline fragment", `{ ` + trace + `) { nodes { edges { ... on TraceNodeEdge { cursor } } } } }`, nil, "cursor", 0},
		{"named fragment", `query { ` + trace + `) { nodes { ...C } } } fragment C on TraceNodeConnection { edges { ...E } } fragment E on TraceNodeEdge { cursor }`, nil, "cursor", 0},
		{"included", `query($yes: Boolean!) { ` + trace + `) { nodes { edges { depth cursor @include(if: $yes) } } } }`, map[string]any{"yes": true}, "cursor", 0},
		{"skipped", `query($yes: Boolean!) { ` + trace + `) { nodes { edges { depth cursor @skip(if: $yes) } } } }`, map[string]any{"yes": true}, "", 0},
		{"a page after 3", `{ ` + trace + `, first: 4, after: "` + base64.RawURLEncoding.EncodeToString([]byte("o:3")) + `") { nodes { edges { cursor } } } }`, nil, "cursor", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d struct {
				Trace struct {
					Nodes struct {
						Edges []map[string]json.RawMessage
					}
				}
			}
			ts.data(t, tc.query, tc.vars, &d)
			edges := d.Trace.Nodes.Edges
			if len(edges) < 2 {
				t.Fatalf("%d edges", len(edges))
			}
			for i, e := range edges {
				got, ok := e[tc.key]
				if tc.key == "" {
					if _, ok := e["cursor"]; ok {
						t.Fatalf("edge %d: cursor skipped but answered: %v", i, e)
					}
					continue
				}
				want, _ := json.Marshal(base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "o:%d", tc.first+i)))
				if !ok || string(got) != string(want) {
					t.Fatalf("edge %d: %s = %s, want %s", i, tc.key, got, want)
				}
			}
		})
	}
}
