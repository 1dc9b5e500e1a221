package embedded

import (
	"context"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestLoadThenServe: events applied between BeginLoad and EndLoad are
// visible at once, commits after EndLoad sync again, and the store that
// loaded, closed and opened again, holds all of them with its chain intact.
func TestLoadThenServe(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	evs := smallFactory(t)
	s.BeginLoad()
	if !s.loading.Load() {
		t.Fatal("BeginLoad: commits still synced")
	}
	mustApply(t, s, evs[:10]...)
	if head, _, _ := s.Head(ctx); head != 10 {
		t.Fatalf("head %d during the load, want 10", head)
	}
	if err := s.EndLoad(); err != nil {
		t.Fatal(err)
	}
	if s.loading.Load() {
		t.Fatal("EndLoad: commits still not synced")
	}
	mustApply(t, s, evs[10:]...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.Verify(ctx, tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() || rep.Events != uint64(len(evs)) {
		t.Fatalf("reopened: verify %+v, %v; want %d events intact", rep, err, len(evs))
	}
}
