package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/cyphertest"
)

// TestScaleOut runs two `tracegraph serve --store neo4j` processes on one
// Neo4j, as users who outgrow one machine do, with writers on both at once.
// Every batch either process acknowledges is seen at once by the other; the
// log stays one gap-free hash chain with no seq twice; verify finds the
// store intact.
func TestScaleOut(t *testing.T) {
	st := cyphertest.Open(t, nil) // empties the test database
	cfg := cyphertest.Config(t)
	bin := filepath.Join(t.TempDir(), "tracegraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	a, b := startServe(t, bin, cfg.URI), startServe(t, bin, cfg.URI)

	post(t, a, fmt.Sprintf(`{"id":"lot","type":"lot.received","time":"2026-03-01T06:00:00Z","data":{"lot":"L1","partNumber":"R-10K","supplier":"ACME"}}`))
	const writersPerProcess, batches, perBatch = 3, 8, 10
	var wg sync.WaitGroup
	for p, pair := range [][2]string{{a, b}, {b, a}} {
		for w := range writersPerProcess {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range batches {
					var body strings.Builder
					var last string
					for i := range perBatch {
						sn := fmt.Sprintf("P%d-W%d-%02d-%02d", p, w, k, i)
						fmt.Fprintf(&body, `{"id":"mk-%s","type":"unit.created","time":"2026-03-01T07:00:00Z","data":{"serial":"%s","partNumber":"PCBA-1"}}`+"\n", sn, sn)
						fmt.Fprintf(&body, `{"id":"use-%s","type":"material.consumed","time":"2026-03-01T07:01:00Z","data":{"unit":"%s","lot":"L1"}}`+"\n", sn, sn)
						last = sn
					}
					if !post(t, pair[0], body.String()) {
						return
					}
					// Acknowledged by one process: the other sees it now.
					if got := gql(t, pair[1], fmt.Sprintf(`{ node(id: "Unit:%s") { id } }`, last)); !strings.Contains(got, `"Unit:`+last+`"`) {
						t.Errorf("%s acknowledged Unit:%s but %s answers %s", pair[0], last, pair[1], got)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	want := 1 + 2*writersPerProcess*batches*perBatch*2
	ctx := context.Background()
	var chain tracegraph.ChainChecker
	seen := 0
	for after := uint64(0); ; {
		evs, err := st.Events(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			for _, p := range chain.Check(ev) {
				t.Error(p)
			}
			seen++
			after = ev.Seq
		}
	}
	if seen != want {
		t.Errorf("the log holds %d events, want %d", seen, want)
	}
	rep, err := st.Verify(ctx, tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Errorf("Verify = %+v, %v; want intact", rep, err)
	}
	total := fmt.Sprintf(`"totalCount":%d`, 2*writersPerProcess*batches*perBatch)
	for _, url := range []string{a, b} {
		if got := gql(t, url, `{ units { totalCount } }`); !strings.Contains(got, total) {
			t.Errorf("%s: units = %s, want %s", url, got, total)
		}
	}
}

// startServe starts `tracegraph serve --store neo4j` and waits until it is
// ready; it is stopped with SIGTERM when the test ends.
func startServe(t *testing.T, bin, uri string) string {
	t.Helper()
	return startServeArgs(t, bin, "--store", "neo4j", "--neo4j-uri", uri)
}

// startServeArgs starts `tracegraph serve ARGS` on a free address and waits
// until it is ready; it is stopped with SIGTERM when the test ends.
func startServeArgs(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = append(os.Environ(), "TRACEGRAPH_NEO4J_PASSWORD="+os.Getenv("TRACEGRAPH_NEO4J_PASSWORD"))
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("serve %s log:\n%s", addr, log.String())
		}
	})
	url := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
	}
	t.Fatalf("serve on %s did not become ready:\n%s", addr, log.String())
	return ""
}

// post sends NDJSON events and reports whether every one was accepted.
func post(t *testing.T, url, ndjson string) bool {
	t.Helper()
	resp, err := http.Post(url+"/api/v1/events", "application/x-ndjson", strings.NewReader(ndjson))
	if err != nil {
		t.Error(err)
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r struct{ Rejected int }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &r) != nil || r.Rejected != 0 {
		t.Errorf("POST %s/api/v1/events: %d %s", url, resp.StatusCode, body)
		return false
	}
	return true
}

// gql runs a GraphQL query and returns the raw answer.
func gql(t *testing.T, url, query string) string {
	t.Helper()
	q, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(q))
	if err != nil {
		t.Error(err)
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
