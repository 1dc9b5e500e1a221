// Package scripts finds the repository's scripts (scripts/neo4j.sh,
// scripts/amqp.sh) for tests that start real servers with them.
package scripts

import (
	"fmt"
	"os"
	"path/filepath"
)

// Path returns the path of scripts/name in the first directory at or above
// the working directory that has it (a test runs in its package's
// directory).
func Path(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "scripts", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("scripts/%s not found above the working directory", name)
		}
		dir = up
	}
}
