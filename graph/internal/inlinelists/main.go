// Command inlinelists runs after gqlgen in `go generate ./graph/`. It
// rewrites two patterns of the generated executable schema, each for a
// function of graph/slice.go that gives the same answers at less cost:
//
//   - graphql.MarshalSliceConcurrently (one goroutine per list element)
//     becomes marshalSlice (the elements in the calling goroutine);
//   - the path of every object marshalled, computed for @defer even when the
//     object has nothing deferred (graphql.GetPath walks the field contexts
//     and allocates), becomes deferPath, which computes it only then;
//   - the error every scalar field's context is made with, for a Child call
//     that never comes (errors.New, an allocation per field of every
//     answer), becomes a noChildFields constant with the same message.
//
// It fails when the generated code has none of a pattern, so that a gqlgen
// upgrade that changes it is noticed.
package main

import (
	"fmt"
	"os"
	"regexp"
)

// rewrites are the replacements, in order: regular expressions and their
// replacement (regexp.ReplaceAll's syntax).
var rewrites = []struct{ from, to, review string }{
	{`graphql\.MarshalSliceConcurrently\(`, "marshalSlice(", "marshalSlice"},
	{`\t\tPath:     graphql\.GetPath\(ctx\),\n`, "\t\tPath:     deferPath(ctx, deferLabelToView),\n", "deferPath"},
	{`errors\.New\("field of type ([^"]*) does not have child fields"\)`, `noChildFields("$1")`, "noChildFields"},
}

func main() {
	const file = "generated.go"
	b, err := os.ReadFile(file)
	if err != nil {
		fail(err)
	}
	for _, r := range rewrites {
		from := regexp.MustCompile(r.from)
		if !from.Match(b) {
			fail(fmt.Errorf("%s has no %s: gqlgen changed; review %s in graph/slice.go", file, r.from, r.review))
		}
		b = from.ReplaceAll(b, []byte(r.to))
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "inlinelists:", err)
	os.Exit(1)
}
