// Package testserver finds the real Neo4j server that tests run against and
// gives each test binary the use of it alone.
//
// The server is the one named by TRACEGRAPH_NEO4J_URI (with _USER,
// _PASSWORD and _DATABASE); scripts/neo4j.sh starts one, and .ci/run does so
// before the tests. Without it a test is skipped, saying why, except in CI
// (CI=true), where a Neo4j test never skips: it fails.
//
// Several test binaries (cypher, cyphertest's users) run at once under
// `go test ./...`, and Neo4j Community has one user database, so the first
// test of a binary to ask takes a machine-wide lock on the server
// (flock on a file named after the URI) that the binary keeps until it
// exits; the others wait their turn.
package testserver

import (
	"context"
	_ "embed"
	"fmt"
	"hash/fnv"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph/internal/scripts"
)

// Server says how to reach the test server.
type Server struct {
	URI, User, Password, Database string
}

var lock struct {
	once sync.Once
	err  error
	// file holds the lock: it must stay reachable, or its finalizer would
	// close it, and so unlock the server, while the binary still runs.
	file *os.File
}

// Get returns the test server, holding the lock on it for the rest of the
// test binary's life, or skips t (fails it in CI) when there is none.
func Get(t testing.TB) Server {
	t.Helper()
	srv := Server{URI: os.Getenv("TRACEGRAPH_NEO4J_URI"), User: os.Getenv("TRACEGRAPH_NEO4J_USER"),
		Password: os.Getenv("TRACEGRAPH_NEO4J_PASSWORD"), Database: os.Getenv("TRACEGRAPH_NEO4J_DATABASE")}
	if srv.URI == "" {
		const why = "TRACEGRAPH_NEO4J_URI is not set: start a real Neo4j with scripts/neo4j.sh start DIR PORT and set it"
		if os.Getenv("CI") == "true" {
			t.Fatal("in CI a Neo4j test never skips: " + why)
		}
		t.Skip("SKIP: " + why)
	}
	if srv.Password != "" && srv.User == "" {
		srv.User = "neo4j"
	}
	lock.once.Do(func() { lock.file, lock.err = acquire(srv.URI) })
	if lock.err != nil {
		t.Fatalf("lock the test server %s: %v", srv.URI, lock.err)
	}
	return srv
}

// acquire takes the machine-wide lock on the server at uri. The file stays
// open, and so locked, until the process exits.
func acquire(uri string) (*os.File, error) {
	h := fnv.New64a()
	h.Write([]byte(uri))
	path := filepath.Join(os.TempDir(), fmt.Sprintf("tracegraph-neo4j-test-%x.lock", h.Sum64()))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// GetAuth returns a test server started with auth on: the one named by
// TRACEGRAPH_NEO4J_AUTH_URI (with the password of the user neo4j in
// TRACEGRAPH_NEO4J_AUTH_PASSWORD), as .ci/run starts it, or else one the
// test starts itself (Start). Tests only connect to it: they neither lock
// nor write it.
func GetAuth(t testing.TB) Server {
	t.Helper()
	srv := Server{URI: os.Getenv("TRACEGRAPH_NEO4J_AUTH_URI"), Password: os.Getenv("TRACEGRAPH_NEO4J_AUTH_PASSWORD")}
	if srv.URI == "" || srv.Password == "" {
		t.Log("TRACEGRAPH_NEO4J_AUTH_URI is not set: starting a Neo4j with a password for this test")
		srv = Start(t, "neo4j:test-password-of-a-test")
	}
	return srv
}

// Start starts a real Neo4j of its own for one test, with scripts/neo4j.sh
// (auth as "USER:PASSWORD", or "" for none; env such as NEO4J_TX_MEMORY=4m),
// on a free port in a temporary directory, and stops it when the test ends.
// It takes 10 to 30 seconds. Without Java and Maven it skips t (fails it in
// CI).
func Start(t testing.TB, auth string, env ...string) Server {
	t.Helper()
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			why := tool + " is not installed: scripts/neo4j.sh needs Java and Maven"
			if os.Getenv("CI") == "true" {
				t.Fatal("in CI a Neo4j test never skips: " + why)
			}
			t.Skip("SKIP: " + why)
		}
	}
	script, err := scripts.Path("neo4j.sh")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	dir := t.TempDir()
	args := []string{"start", dir, port}
	if auth != "" {
		args = append(args, "--auth", auth)
	}
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("scripts/neo4j.sh %v: %v\n%s", args, err, stderr)
	}
	t.Cleanup(func() { _ = exec.Command("bash", script, "stop", dir).Run() })
	lines := strings.Fields(string(out))
	srv := Server{URI: lines[len(lines)-1]}
	if user, pass, ok := strings.Cut(auth, ":"); ok {
		srv.User, srv.Password = user, pass
	}
	return srv
}

//go:embed erase.cypher
var eraseQuery string

// Erase deletes every node and relationship of the test database (its
// schema stays), a batch at a time.
func Erase(ctx context.Context, srv Server) error {
	auth := neo4j.NoAuth()
	if srv.User != "" {
		auth = neo4j.BasicAuth(srv.User, srv.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(srv.URI, auth)
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	for {
		res, err := neo4j.ExecuteQuery(ctx, driver, eraseQuery, map[string]any{"limit": int64(10000)},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(srv.Database))
		if err != nil {
			return fmt.Errorf("erase the test database: %w", err)
		}
		if n, _ := res.Records[0].Get("n"); n == int64(0) {
			return nil
		}
	}
}
