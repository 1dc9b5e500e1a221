// Package web holds the explorer and GraphiQL, built from web/src with Vite
// into web/dist (committed, so that building tracegraph needs no Node), and
// embeds the build. scripts/check-web.sh rebuilds it and fails when the
// committed build differs from its sources.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Dist returns the built files: index.html, graphiql.html and assets/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path: fs.Sub fails only on invalid ones
	}
	return sub
}
