//go:build !linux

package bench

// inMemory reports whether dir is on a file system kept in memory; known
// only on Linux.
func inMemory(dir string) bool { return false }
