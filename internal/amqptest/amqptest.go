// Package amqptest finds the real AMQP 1.0 broker that tests run against,
// or starts one of a test's own.
//
// The shared broker is the one named by TRACEGRAPH_AMQP_URL; scripts/amqp.sh
// starts one (Debian's RabbitMQ with its AMQP 1.0 plugin), and .ci/run does
// so before the tests. Without it a test is skipped, saying why, except in
// CI (CI=true), where a broker test never skips: it fails. Tests share the
// broker by using queues of their own (Queue).
package amqptest

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/internal/scripts"
)

// URL returns the shared test broker's URL, or skips t (fails it in CI)
// when there is none.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("TRACEGRAPH_AMQP_URL")
	if url == "" {
		const why = "TRACEGRAPH_AMQP_URL is not set: start a real AMQP 1.0 broker with scripts/amqp.sh start DIR PORT and set it"
		if os.Getenv("CI") == "true" {
			t.Fatal("in CI a broker test never skips: " + why)
		}
		t.Skip("SKIP: " + why)
	}
	return url
}

// Queue returns the name of a new queue of the test's own
// (NAME-<random>): publish to /queue/QUEUE with a durable target, consume
// from /amq/queue/QUEUE (see cfx.ConsumerConfig.Source).
func Queue(t testing.TB, name string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return name + "-" + hex.EncodeToString(b)
}

// Broker is a broker a test started (Start).
type Broker struct {
	URL    string
	t      testing.TB
	script string
	args   []string // start's arguments
}

// Start starts a broker of the test's own with scripts/amqp.sh, in a
// temporary directory on free ports, and stops it when the test ends. It
// takes a few seconds (more the first time, when the script installs
// RabbitMQ). Without the script's means (rabbitmq-server, or root to
// install it) it skips t (fails it in CI).
func Start(t testing.TB) *Broker {
	t.Helper()
	if _, err := os.Stat("/usr/lib/rabbitmq/bin/rabbitmq-server"); err != nil && os.Geteuid() != 0 {
		why := "rabbitmq-server is not installed and installing it needs root"
		if os.Getenv("CI") == "true" {
			t.Fatal("in CI a broker test never skips: " + why)
		}
		t.Skip("SKIP: " + why)
	}
	script, err := scripts.Path("amqp.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ports := freePorts(t, 3)
	b := &Broker{t: t, script: script,
		args: []string{dir, ports[0], "--epmd-port", ports[1], "--dist-port", ports[2]}}
	t.Cleanup(func() { _ = exec.Command("bash", script, "stop", dir).Run() })
	b.URL = b.run("start", b.args...)
	return b
}

// Stop stops the broker; its queues and persistent messages stay on disk.
func (b *Broker) Stop() {
	b.t.Helper()
	b.run("stop", b.args[0])
}

// Restart starts the broker again after Stop, on the same data and port.
func (b *Broker) Restart() {
	b.t.Helper()
	b.run("start", b.args...)
}

func (b *Broker) run(cmd string, args ...string) string {
	b.t.Helper()
	c := exec.Command("bash", append([]string{b.script, cmd}, args...)...)
	out, err := c.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		b.t.Fatalf("scripts/amqp.sh %s %v: %v\n%s", cmd, args, err, stderr)
	}
	lines := strings.Fields(string(out))
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

// freePorts returns n ports that were free a moment ago.
func freePorts(t testing.TB, n int) []string {
	t.Helper()
	var out []string
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		out = append(out, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	for _, ln := range lns {
		ln.Close()
	}
	return out
}
