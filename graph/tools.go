//go:build tools

package graph

// The gqlgen command, pinned in go.mod so that `go generate ./...` runs the
// same version offline.
import _ "github.com/99designs/gqlgen"
