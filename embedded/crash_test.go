package embedded

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// The crash test runs this test binary again as an ingesting child process
// (crashChildEnv names its data directory) and kills it with SIGKILL.
const crashChildEnv = "TRACEGRAPH_CRASH_CHILD_DIR"

// TestCrashRecovery SIGKILLs a process that is ingesting, again and again,
// and after each restart checks that every acknowledged event is present and
// that Verify finds the log and the graph intact.
func TestCrashRecovery(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir, os.Getenv("TRACEGRAPH_CRASH_ROUND"))
		return
	}
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	dir := t.TempDir()
	ctx := context.Background()
	acked := map[string]bool{}
	rng := rand.New(rand.NewPCG(7, 7))
	const rounds = 8
	for round := 1; round <= rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashRecovery$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, "TRACEGRAPH_CRASH_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Read acknowledgements until a random number arrived, then kill.
		want := 50 + rng.IntN(400)
		sc := bufio.NewScanner(out)
		got := 0
		killed := false
		for sc.Scan() {
			line := sc.Text()
			if id, ok := strings.CutPrefix(line, "ack "); ok {
				acked[id] = true
				got++
			}
			if got >= want && !killed {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}
		cmd.Wait()
		if !killed {
			t.Fatalf("round %d: the child stopped by itself after %d acknowledgements", round, got)
		}

		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		missing := 0
		for id := range acked {
			if _, err := s.Event(ctx, id); err != nil {
				missing++
				if missing < 5 {
					t.Errorf("round %d: acknowledged event %q is lost: %v", round, id, err)
				}
			}
		}
		rep, err := s.Verify(ctx, tracegraph.VerifyOptions{})
		if err != nil {
			t.Fatalf("round %d: verify: %v", round, err)
		}
		if !rep.OK() {
			t.Fatalf("round %d: verify found %v", round, rep.Problems)
		}
		head, _, _ := s.Head(ctx)
		s.Close()
		if missing > 0 {
			t.Fatalf("round %d: %d of %d acknowledged events lost", round, missing, len(acked))
		}
		t.Logf("round %d: killed after %d acks; %d acknowledged in all, head %d, verify ok", round, got, len(acked), head)
	}
}

// crashChild ingests forever from four goroutines, printing each event id
// only after Apply returned it accepted or duplicate.
func crashChild(dir, round string) {
	ctx := context.Background()
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	mk := func(id string, typ tracegraph.EventType, data any) *tracegraph.Event {
		b, _ := json.Marshal(data)
		e := &tracegraph.Event{ID: id, Type: typ, Time: time.Now().UTC(), Data: b}
		if err := e.Normalize(); err != nil {
			panic(err)
		}
		return e
	}
	if _, err := s.Apply(ctx, []*tracegraph.Event{mk("lot-R", tracegraph.EventLotReceived, map[string]any{"lot": "R1", "partNumber": "C-100"})}, tracegraph.ApplyOptions{}); err != nil {
		panic(err)
	}
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				serial := fmt.Sprintf("R%s-G%d-%d", round, g, n)
				batch := []*tracegraph.Event{
					mk("c-"+serial, tracegraph.EventUnitCreated, map[string]any{"serial": serial, "partNumber": "PCBA-9"}),
					mk("m-"+serial, tracegraph.EventMaterialConsumed, map[string]any{"unit": serial, "lot": "R1", "refDes": []string{"C1"}}),
					mk("t-"+serial, tracegraph.EventTestRecorded, map[string]any{"unit": serial, "testType": "ICT", "result": "pass"}),
				}
				outs, err := s.Apply(ctx, batch, tracegraph.ApplyOptions{Atomic: n%2 == 0})
				if err != nil {
					fmt.Fprintln(os.Stderr, "child apply:", err)
					os.Exit(3)
				}
				mu.Lock()
				for _, o := range outs {
					if o.Status == tracegraph.OutcomeAccepted || o.Status == tracegraph.OutcomeDuplicate {
						fmt.Fprintln(w, "ack", o.ID)
					}
				}
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
