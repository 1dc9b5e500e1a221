// Command querygen writes the generated Cypher files of package cypher into
// the current directory (go generate runs it in cypher/).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tracegraph/tracegraph/cypher/internal/querygen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "querygen:", err)
		os.Exit(1)
	}
}

func run() error {
	files, err := querygen.Files()
	if err != nil {
		return err
	}
	// Remove generated files that are no longer generated.
	old, err := filepath.Glob("*.cypher")
	if err != nil {
		return err
	}
	for _, name := range old {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if _, keep := files[name]; !keep && strings.HasPrefix(string(b), querygen.Header) {
			if err := os.Remove(name); err != nil {
				return err
			}
		}
	}
	for name, b := range files {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
