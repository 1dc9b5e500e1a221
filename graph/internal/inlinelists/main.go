// Command inlinelists runs after gqlgen in `go generate ./graph/`: it makes
// the generated executable schema marshal list elements in the calling
// goroutine (graph.marshalSlice) instead of one goroutine per element
// (graphql.MarshalSliceConcurrently). See graph/slice.go for why the answers
// stay the same. It fails when the generated code has no such call, so that
// a gqlgen upgrade that changes it is noticed.
package main

import (
	"bytes"
	"fmt"
	"os"
)

func main() {
	const file = "generated.go"
	b, err := os.ReadFile(file)
	if err != nil {
		fail(err)
	}
	from, to := []byte("graphql.MarshalSliceConcurrently("), []byte("marshalSlice(")
	n := bytes.Count(b, from)
	if n == 0 {
		fail(fmt.Errorf("%s calls no graphql.MarshalSliceConcurrently: gqlgen changed; review graph/slice.go", file))
	}
	if err := os.WriteFile(file, bytes.ReplaceAll(b, from, to), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "inlinelists:", err)
	os.Exit(1)
}
