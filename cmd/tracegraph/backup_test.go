package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/backup"
	"github.com/tracegraph/tracegraph/version"
)

// buildBinary builds the tracegraph command into a temporary directory as a
// release is built: with the VCS information the toolchain records (in a
// git checkout), and the version and revision given at link time that fill
// in what it cannot (a git worktree, a build without .git). It returns the
// binary and the revision it must report ("" when git cannot say).
func buildBinary(t *testing.T) (bin, revision string) {
	t.Helper()
	bin = filepath.Join(t.TempDir(), "tracegraph")
	if out, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		revision = strings.TrimSpace(string(out))
	}
	ldflags := "-X github.com/tracegraph/tracegraph/version.linkedVersion=v0.0.0-test" +
		" -X github.com/tracegraph/tracegraph/version.linkedRevision=" + revision
	cmd := exec.Command("go", "build", "-buildvcs=auto", "-ldflags", ldflags, "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, revision
}

// testVersion: the built binary names its module version and revision.
func testVersion(t *testing.T, bin, revision string) {
	var in version.Info
	if err := json.Unmarshal([]byte(runBin(t, bin, "version", "--json")), &in); err != nil {
		t.Fatal(err)
	}
	if in.Module != "github.com/tracegraph/tracegraph" || in.Version == "" || in.Version == "(devel)" || in.Revision == "" {
		t.Fatalf("version --json = %+v, want the module, a version and a revision", in)
	}
	if revision != "" && in.Revision != revision {
		t.Errorf("version names revision %s, the checkout is at %s", in.Revision, revision)
	}
	if out := runBin(t, bin, "version"); !strings.HasPrefix(out, "tracegraph "+in.Version+" ("+in.Revision[:12]) {
		t.Errorf("version = %q", out)
	}
}

// runBin runs the built binary and returns its standard output; it fails
// the test when the command fails.
func runBin(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	began := time.Now()
	out, err := cmd.Output()
	t.Logf("tracegraph %s: %v", args[0], time.Since(began))
	if err != nil {
		t.Fatalf("tracegraph %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// servingFactory starts `tracegraph serve` on a new store loaded with a
// generated factory of units, and writers that keep posting events to it
// until the returned stop is called.
func servingFactory(t *testing.T, bin string, units int) (url, data string, stop func()) {
	t.Helper()
	work := t.TempDir()
	data = filepath.Join(work, "data")
	url = startServeArgs(t, bin, "--data", data)
	file := filepath.Join(work, "factory.ndjson")
	gen, err := exec.Command(bin, "generate", "--units", fmt.Sprint(units), "--seed", "11").Output()
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	os.WriteFile(file, gen, 0o644)
	runBin(t, bin, "import", "--url", url, "--quiet", file)

	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-done:
					return
				default:
				}
				var body strings.Builder
				for i := range 20 {
					sn := fmt.Sprintf("LIVE-%d-%05d-%02d", w, k, i)
					fmt.Fprintf(&body, `{"id":"mk-%s","type":"unit.created","time":"2026-03-01T07:00:00Z","data":{"serial":"%s","partNumber":"PCBA-LIVE"}}`+"\n", sn, sn)
				}
				if !post(t, url, body.String()) {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	var once sync.Once
	stop = func() { once.Do(func() { close(done); wg.Wait() }) }
	t.Cleanup(stop)
	return url, data, stop
}

var headLine = regexp.MustCompile(`head (\d+) ([0-9a-f]{64})`)

// TestBackup runs the real binary: a service that ingests continuously is
// backed up, and backups are killed (see the subtests).
func TestBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, runs and kills the binary")
	}
	bin, revision := buildBinary(t)
	t.Run("version", func(t *testing.T) { testVersion(t, bin, revision) })
	url, _, stop := servingFactory(t, bin, 150)
	t.Run("killed", func(t *testing.T) { testBackupKilled(t, bin, url) })
	t.Run("restore while serving", func(t *testing.T) { testBackupRestoreWhileServing(t, bin, url, stop) })
}

// testBackupRestoreWhileServing: a service ingests continuously; a backup
// taken through it in the middle, restored elsewhere, verifies intact with
// the manifest's head, and its log is exactly the live log up to that head
// (nothing half-written). The exported log replays into an empty store with
// the same chain.
func testBackupRestoreWhileServing(t *testing.T, bin, url string, stop func()) {
	work := t.TempDir()
	bk := filepath.Join(work, "backup-1")
	out := runBin(t, bin, "backup", "--url", url, "--to", bk)
	m := headLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backup printed %q, want its head", out)
	}
	time.Sleep(200 * time.Millisecond) // the service goes on ingesting
	stop()

	restored := filepath.Join(work, "restored")
	runBin(t, bin, "restore", "--from", bk, "--data", restored)
	if out := runBin(t, bin, "verify", "--data", restored, "--quiet"); !strings.HasPrefix(out, fmt.Sprintf("intact: %s events, head %s:%s,", m[1], m[1], m[2])) {
		t.Fatalf("verify of the restore = %q, want intact at the backup's head %s %s", out, m[1], m[2])
	}
	live := runBin(t, bin, "export-log", "--url", url)
	back := runBin(t, bin, "export-log", "--data", restored)
	if n := strings.Count(back, "\n"); fmt.Sprint(n) != m[1] || !strings.HasPrefix(live, back) || len(live) == len(back) {
		t.Fatalf("the restored log has %d events (head %s); live log %d bytes, restored %d: want a strict prefix", n, m[1], len(live), len(back))
	}
	if err := exec.Command(bin, "restore", "--from", bk, "--data", restored).Run(); err == nil {
		t.Error("restore into a non-empty directory succeeded")
	}

	archive := filepath.Join(work, "log.ndjson")
	os.WriteFile(archive, []byte(live), 0o644)
	replayed := filepath.Join(work, "replayed")
	runBin(t, bin, "import", "--keep-seq", "--data", replayed, archive)
	wantHead := headLine.FindStringSubmatch(runBin(t, bin, "import", "--keep-seq", "--data", replayed, archive)) // resumed: nothing new
	lastLine := live[strings.LastIndex(strings.TrimSuffix(live, "\n"), "\n")+1:]
	if wantHead == nil || !strings.Contains(lastLine, `"seq":`+wantHead[1]+`,`) || !strings.Contains(lastLine, wantHead[2]) {
		t.Fatalf("replayed head %v, the archive ends with %s", wantHead, lastLine)
	}
	if out := runBin(t, bin, "verify", "--data", replayed, "--quiet"); !strings.HasPrefix(out, "intact: "+wantHead[1]+" events, head "+wantHead[1]+":"+wantHead[2]) {
		t.Fatalf("verify of the replayed archive = %q", out)
	}
}

// testBackupKilled SIGKILLs `tracegraph backup` at points through its run,
// against the running service (--url) and a stopped store (--data): each
// time either the backup is complete and checks against its manifest, or
// nothing is at its name, and no directory claims to be complete without
// being so (a staging directory may hold a manifest, killed between the
// manifest and the rename, but then it checks).
func testBackupKilled(t *testing.T, bin, url string) {
	parent := t.TempDir()

	// One complete run to time it and to have a stopped store to back up.
	began := time.Now()
	runBin(t, bin, "backup", "--url", url, "--to", filepath.Join(parent, "whole"))
	took := time.Since(began)
	stopped := filepath.Join(t.TempDir(), "stopped")
	runBin(t, bin, "restore", "--from", filepath.Join(parent, "whole"), "--data", stopped)

	interrupted := 0
	for i, frac := range []float64{0.1, 0.3, 0.5, 0.7, 0.9, 0.2, 0.6} {
		to := filepath.Join(parent, fmt.Sprintf("b%d", i))
		args := []string{"backup", "--url", url, "--to", to}
		if i >= 5 {
			args = []string{"backup", "--data", stopped, "--to", to}
		}
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(frac * float64(took)))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if _, serr := os.Stat(to); serr != nil {
			interrupted++
		} else if _, cerr := backup.Check(to); cerr != nil {
			t.Errorf("kill at %.0f%% (%v): %s exists but is not a complete backup: %v", frac*100, err, to, cerr)
		}
	}
	ents, _ := os.ReadDir(parent)
	for _, e := range ents {
		p := filepath.Join(parent, e.Name())
		if _, err := os.Stat(filepath.Join(p, backup.ManifestName)); err != nil {
			continue // no manifest: claims nothing
		}
		// A staging directory holds a manifest when the kill fell between the
		// manifest's sync and the rename that publishes it: complete, then,
		// as checked below.
		if strings.HasPrefix(e.Name(), ".") {
			t.Logf("staging directory %s has a manifest (killed just before its rename)", p)
		}
		if _, err := backup.Check(p); err != nil {
			t.Errorf("%s has a manifest but does not check: %v", p, err)
		}
	}
	if interrupted == 0 {
		t.Errorf("no kill interrupted a backup (a full one takes %v): the test proved nothing", took)
	}
	t.Logf("a backup took %v; %d of 7 kills interrupted one", took, interrupted)
}
