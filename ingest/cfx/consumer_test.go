package cfx

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/go-amqp"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/internal/amqptest"
)

// observer counts the results an Ingester reports, for tests to wait on.
type observer struct {
	mu      sync.Mutex
	results []Result
	changed chan struct{}
}

func observe(in *Ingester) *observer {
	o := &observer{changed: make(chan struct{}, 1)}
	in.Observe = func(r Result) {
		o.mu.Lock()
		o.results = append(o.results, r)
		o.mu.Unlock()
		select {
		case o.changed <- struct{}{}:
		default:
		}
	}
	return o
}

// wait waits until n results are in, and returns them.
func (o *observer) wait(t *testing.T, n int) []Result {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		o.mu.Lock()
		if len(o.results) >= n {
			out := append([]Result(nil), o.results...)
			o.mu.Unlock()
			return out
		}
		got := len(o.results)
		o.mu.Unlock()
		select {
		case <-o.changed:
		case <-deadline:
			t.Fatalf("after 60 s, %d CFX messages were ingested, want %d", got, n)
		}
	}
}

func statusCount(rs []Result) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		m[r.Status]++
	}
	return m
}

// publish sends each body to the durable queue (Publish) and returns once
// the broker has them all.
func publish(t *testing.T, url, queue string, zip bool, bodies ...[]byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := Publish(ctx, url, "/queue/"+queue, zip, bodies...); err != nil {
		t.Fatal(err)
	}
}

// receiveAll takes the messages of the queue: waiting for want of them,
// then half a second for any more.
func receiveAll(t *testing.T, url, queue string, want int) []*amqp.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := amqp.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sess, err := conn.NewSession(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	rcv, err := sess.NewReceiver(ctx, "/amq/queue/"+queue, &amqp.ReceiverOptions{Credit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var out []*amqp.Message
	for {
		wait := 500 * time.Millisecond
		if len(out) < want {
			wait = 20 * time.Second
		}
		wctx, wcancel := context.WithTimeout(ctx, wait)
		m, err := rcv.Receive(wctx, nil)
		wcancel()
		if err != nil {
			return out
		}
		if err := rcv.AcceptMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
}

// testLog writes a consumer's log to the test's.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// runConsumer runs a consumer of in's on the queue until the test ends.
func runConsumer(t *testing.T, url, queue string, in *Ingester) {
	t.Helper()
	c, err := NewConsumer(ConsumerConfig{URL: url, Source: "/amq/queue/" + queue, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second,
		Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))}, in)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Consumer.Run = %v", err)
		}
	})
}

// TestConsumerBoard is the acceptance test on a real broker: the SDK's
// example messages for one board, published as a CFX endpoint does
// (gzip), come out as the board's genealogy and tests; published again,
// they change nothing.
func TestConsumerBoard(t *testing.T) {
	url := amqptest.URL(t)
	queue := amqptest.Queue(t, "cfx-board")
	st := openStore(t)
	mustApply(t, st, boardSetup()...)
	in := NewIngester(st, Options{PanelPositions: true})
	obs := observe(in)
	runConsumer(t, url, queue, in)

	envs, ignored := boardMessages(t)
	publish(t, url, queue, true, envs...)
	rs := obs.wait(t, len(envs))
	if got := statusCount(rs); got[StatusAccepted] != len(envs)-ignored || got[StatusIgnored] != ignored {
		t.Fatalf("first delivery: %v, want %d accepted, %d ignored (%+v)", got, len(envs)-ignored, ignored, rs)
	}
	checkBoard(t, st)
	head, _, err := st.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// A redelivery: the same messages again, this time as one batch (a
	// JSON array, as the SDK sends several envelopes at once).
	publish(t, url, queue, false, append(append([]byte("["), bytes.Join(envs, []byte(","))...), ']'))
	rs = obs.wait(t, 2*len(envs))[len(envs):]
	if got := statusCount(rs); got[StatusDuplicate] != len(envs)-ignored || got[StatusIgnored] != ignored {
		t.Errorf("redelivery: %v, want %d duplicates, %d ignored", got, len(envs)-ignored, ignored)
	}
	checkBoard(t, st)
	if again, _, _ := st.Head(context.Background()); again != head {
		t.Errorf("the log's head went from %d to %d on redelivery, want no change", head, again)
	}
	if dead := receiveAll(t, url, queue+".dead", 0); len(dead) != 0 {
		t.Errorf("%d messages were dead-lettered, want none", len(dead))
	}
}

// TestConsumerDeadLetter: a message that cannot be mapped (the SDK's own
// MaterialsInstalled example, which is not JSON), and one whose events
// tracegraph refuses (a board it does not know, after one it knows), go to
// the dead-letter address with the reason, and nothing of them is applied;
// the good message after them is.
func TestConsumerDeadLetter(t *testing.T) {
	url := amqptest.URL(t)
	queue := amqptest.Queue(t, "cfx-dead")
	st := openStore(t)
	mustApply(t, st, unitCreated("SN-KNOWN"))
	in := NewIngester(st, Options{})
	obs := observe(in)
	runConsumer(t, url, queue, in)
	ctx := context.Background()
	before, _, _ := st.Head(ctx)

	broken := envelope("CFX.Production.Assembly.MaterialsInstalled", "dead-1", sdkBody(t, "MaterialsInstalled.json"), 0)
	refused := envelope("CFX.Production.Assembly.MaterialsInstalled", "dead-2",
		`{"InstalledMaterials":[{"UnitIdentifier":"SN-KNOWN","QuantityInstalled":1,"Material":{"UniqueIdentifier":"REEL-NEW","InternalPartNumber":"IPN1"},"InstalledComponents":[{"ReferenceDesignator":"C1"}]},`+
			`{"UnitIdentifier":"SN-UNKNOWN","QuantityInstalled":1,"Material":{"UniqueIdentifier":"REEL-NEW","InternalPartNumber":"IPN1"},"InstalledComponents":[{"ReferenceDesignator":"C1"}]}]}`, 0)
	good := envelope("CFX.Production.UnitsDisqualified", "dead-3", `{"Reason":"DefectiveRepairNotPossible","Units":[{"UnitIdentifier":"SN-KNOWN"}]}`, 1)
	publish(t, url, queue, false, broken, refused, good)

	obs.wait(t, 3)
	dead := receiveAll(t, url, queue+".dead", 2)
	if len(dead) != 2 {
		t.Fatalf("%d messages dead-lettered, want 2", len(dead))
	}
	wantCodes := []string{string(tracegraph.CodeInvalid), string(tracegraph.CodeNotFound)}
	for i, m := range dead {
		code, _ := m.ApplicationProperties[PropErrorCode].(string)
		msg, _ := m.ApplicationProperties[PropErrorMessage].(string)
		if code != wantCodes[i] || msg == "" {
			t.Errorf("dead letter %d: code %q, message %q; want code %s and a reason", i, code, msg, wantCodes[i])
		}
		if src, _ := m.ApplicationProperties[PropSource].(string); src != "/amq/queue/"+queue {
			t.Errorf("dead letter %d: source %q, want /amq/queue/%s", i, src, queue)
		}
	}
	if !bytes.Equal(dead[1].GetData(), refused) {
		t.Errorf("the refused message's dead letter is not the envelope as sent:\n%s", dead[1].GetData())
	}
	// Only the good message's event was applied: the refused one's lot and
	// its consumption by the known board were not.
	after, _, _ := st.Head(ctx)
	if after != before+1 {
		t.Errorf("the log grew by %d events, want 1 (the scrap)", after-before)
	}
	if _, err := st.Node(ctx, "MaterialLot:REEL-NEW"); !tracegraph.IsNotFound(err) {
		t.Errorf("Node(MaterialLot:REEL-NEW) = %v, want NOT_FOUND: nothing of a refused message is applied", err)
	}
}

// TestConsumerBrokerRestart: on a broker of the test's own, messages the
// broker took survive its restart and are applied after it, and a consumer
// that lost the broker connects again by itself and goes on.
func TestConsumerBrokerRestart(t *testing.T) {
	b := amqptest.Start(t)
	queue := amqptest.Queue(t, "cfx-restart")
	st := openStore(t)
	mustApply(t, st, boardSetup()...)
	in := NewIngester(st, Options{PanelPositions: true})
	obs := observe(in)
	envs, ignored := boardMessages(t)
	half := len(envs) / 2

	// The first half waits in the queue across a restart.
	publish(t, b.URL, queue, true, envs[:half]...)
	b.Stop()
	b.Restart()
	runConsumer(t, b.URL, queue, in)
	obs.wait(t, half)

	// The broker goes away under the running consumer, and comes back.
	b.Stop()
	b.Restart()
	publish(t, b.URL, queue, true, envs[half:]...)
	rs := obs.wait(t, len(envs))
	if got := statusCount(rs); got[StatusAccepted] != len(envs)-ignored || got[StatusIgnored] != ignored {
		t.Fatalf("after two restarts: %v, want %d accepted, %d ignored", got, len(envs)-ignored, ignored)
	}
	checkBoard(t, st)
}

// TestConsumerConfig: the dead-letter address defaults to the source's,
// on RabbitMQ 3 the durable queue NAME.dead; a URL that is not AMQP is
// refused.
func TestConsumerConfig(t *testing.T) {
	tests := []struct{ source, dead, want string }{
		{"/amq/queue/cfx", "", "/queue/cfx.dead"},
		{"cfx.line1", "", "cfx.line1.dead"},
		{"/amq/queue/cfx", "/queue/parked", "/queue/parked"},
	}
	for _, tt := range tests {
		c, err := NewConsumer(ConsumerConfig{URL: "amqp://127.0.0.1:5672", Source: tt.source, DeadLetter: tt.dead}, nil)
		if err != nil {
			t.Errorf("NewConsumer(source %q) = %v", tt.source, err)
		} else if c.cfg.DeadLetter != tt.want {
			t.Errorf("NewConsumer(source %q, dead letter %q): dead letter %q, want %q", tt.source, tt.dead, c.cfg.DeadLetter, tt.want)
		}
	}
	for _, url := range []string{"", "http://127.0.0.1:5672"} {
		if _, err := NewConsumer(ConsumerConfig{URL: url, Source: "/amq/queue/cfx"}, nil); tracegraph.ErrorCode(err) != tracegraph.CodeInvalid {
			t.Errorf("NewConsumer(URL %q) = %v, want INVALID", url, err)
		}
	}
}

// TestConsumerShutdown: shutdown begins while a message is being applied;
// that message is finished and settled, the ones the broker sent ahead go
// back to the queue, and the next consumer applies each of them once.
func TestConsumerShutdown(t *testing.T) {
	url := amqptest.URL(t)
	queue := amqptest.Queue(t, "cfx-shutdown")
	st := openStore(t)
	mustApply(t, st, unitCreated("SN-1"))
	var bodies [][]byte
	for i := range 5 {
		bodies = append(bodies, envelope("CFX.Production.TestAndInspection.UnitsTested", fmt.Sprintf("stop-%d", i),
			`{"TestedUnits":[{"UnitIdentifier":"SN-1","OverallResult":"Passed"}]}`, i))
	}
	publish(t, url, queue, false, bodies...)

	in := NewIngester(st, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	var first []Result
	in.Observe = func(r Result) {
		first = append(first, r)
		cancel() // shutdown begins while the first message is in hand
	}
	c, err := NewConsumer(ConsumerConfig{URL: url, Source: "/amq/queue/" + queue, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))}, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(ctx); err != nil {
		t.Fatalf("Run = %v, want nil after shutdown", err)
	}
	if len(first) != 1 || first[0].Status != StatusAccepted {
		t.Fatalf("before shutdown: %+v, want the one message in hand accepted", first)
	}

	in2 := NewIngester(st, Options{})
	obs := observe(in2)
	runConsumer(t, url, queue, in2)
	rs := obs.wait(t, 4)
	time.Sleep(500 * time.Millisecond) // any redelivery of the first would come now
	rs = obs.wait(t, 4)
	if got := statusCount(rs); len(rs) != 4 || got[StatusAccepted] != 4 {
		t.Errorf("after shutdown: %v (%d messages), want the other 4 accepted, and the settled one not again", got, len(rs))
	}
}
