package bench

import "syscall"

// Magic numbers of the file systems that keep files in memory (statfs(2)).
const (
	tmpfsMagic = 0x01021994
	ramfsMagic = 0x858458f6
)

// inMemory reports whether dir is on tmpfs or ramfs, where fsync reaches no
// disk and the fsync floor says nothing about durability.
func inMemory(dir string) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return false
	}
	return st.Type == tmpfsMagic || st.Type == ramfsMagic
}
