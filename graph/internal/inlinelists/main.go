// Command inlinelists runs after gqlgen in `go generate ./graph/`. It
// rewrites two patterns of the generated executable schema, each for a
// function of graph/slice.go that gives the same answers at less cost:
//
//   - graphql.MarshalSliceConcurrently (one goroutine per list element)
//     becomes marshalSlice (the elements in the calling goroutine);
//   - the path of every object marshalled, computed for @defer even when the
//     object has nothing deferred (graphql.GetPath walks the field contexts
//     and allocates), becomes deferPath, which computes it only then.
//
// It fails when the generated code has none of a pattern, so that a gqlgen
// upgrade that changes it is noticed.
package main

import (
	"bytes"
	"fmt"
	"os"
)

// rewrites are the replacements, in order.
var rewrites = []struct{ from, to, review string }{
	{"graphql.MarshalSliceConcurrently(", "marshalSlice(", "marshalSlice"},
	{"\t\tPath:     graphql.GetPath(ctx),\n", "\t\tPath:     deferPath(ctx, deferLabelToView),\n", "deferPath"},
}

func main() {
	const file = "generated.go"
	b, err := os.ReadFile(file)
	if err != nil {
		fail(err)
	}
	for _, r := range rewrites {
		from := []byte(r.from)
		if bytes.Count(b, from) == 0 {
			fail(fmt.Errorf("%s has no %q: gqlgen changed; review %s in graph/slice.go", file, r.from, r.review))
		}
		b = bytes.ReplaceAll(b, from, []byte(r.to))
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "inlinelists:", err)
	os.Exit(1)
}
