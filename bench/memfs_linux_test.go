package bench

import (
	"os"
	"strings"
	"testing"
)

func TestInMemory(t *testing.T) {
	if _, err := os.Stat("/dev/shm"); err != nil {
		t.Skip("no /dev/shm here")
	}
	if !inMemory("/dev/shm") {
		t.Error("inMemory(/dev/shm) = false: it is tmpfs on Linux")
	}
	if inMemory("/no/such/dir") {
		t.Error("inMemory of a missing directory = true")
	}
}

func TestFsyncRatio(t *testing.T) {
	for _, c := range []struct {
		memory bool
		want   string
	}{
		{false, "0.50× the fsync loop's events/s"},
		{true, "none: fsync ran in memory"},
	} {
		if got := fsyncRatio(50_000, 100_000, c.memory); !strings.EqualFold(got, c.want) {
			t.Errorf("fsyncRatio(memory=%v) = %q, want %q", c.memory, got, c.want)
		}
	}
}
