package cfx

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/Azure/go-amqp"
	"github.com/tracegraph/tracegraph"
)

// ConsumerConfig says where a Consumer takes CFX messages from.
type ConsumerConfig struct {
	// URL is the AMQP 1.0 broker's (amqp://user:password@host:port).
	URL string
	// Source is the address the messages are taken from. On RabbitMQ 3
	// (its AMQP 1.0 plugin) it is /amq/queue/NAME: the durable queue NAME,
	// which the consumer declares when it is missing (see rabbitQueue).
	Source string
	// DeadLetter is the address a message that cannot be mapped goes to,
	// with the reason (default: Source + ".dead"; on RabbitMQ 3, the durable
	// queue NAME.dead, /queue/NAME.dead).
	DeadLetter string
	// Credit is how many messages the broker may send ahead (default 32).
	// Messages are applied one at a time, in order.
	Credit int32
	// MinBackoff and MaxBackoff bound the wait before connecting again
	// after the broker is lost (default 500 ms and 30 s, doubling).
	MinBackoff, MaxBackoff time.Duration
	// ApplyTimeout bounds applying one message, which runs on when
	// shutdown begins (default 30 s).
	ApplyTimeout time.Duration
	Logger       *slog.Logger
}

func (c ConsumerConfig) withDefaults() ConsumerConfig {
	if c.DeadLetter == "" {
		c.DeadLetter = c.Source + ".dead"
		if q, ok := rabbitQueue(c.Source); ok {
			c.DeadLetter = "/queue/" + q + ".dead"
		}
	}
	if c.Credit <= 0 {
		c.Credit = 32
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 500 * time.Millisecond
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(30*time.Second, c.MinBackoff)
	}
	if c.ApplyTimeout <= 0 {
		c.ApplyTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// The application properties of a dead-lettered message, beside the
// sender's own.
const (
	PropErrorCode    = "tracegraph-error-code"
	PropErrorField   = "tracegraph-error-field"
	PropErrorMessage = "tracegraph-error-message"
	PropSource       = "tracegraph-source-address"
)

// Consumer takes CFX messages from an AMQP 1.0 broker and ingests them. It
// accepts (settles) a message only once its events are durable, or once a
// message that cannot be mapped is durable at the dead-letter address with
// the reason; a message it could not apply because the store failed is
// released, to come again. It connects again, with backoff, when the
// broker is lost.
type Consumer struct {
	cfg ConsumerConfig
	in  *Ingester
}

// NewConsumer returns a Consumer that ingests with in.
func NewConsumer(cfg ConsumerConfig, in *Ingester) (*Consumer, error) {
	if cfg.URL == "" || cfg.Source == "" {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "cfx-amqp", "the CFX consumer needs the broker's URL and the source address")
	}
	if !strings.HasPrefix(cfg.URL, "amqp://") && !strings.HasPrefix(cfg.URL, "amqps://") {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "cfx-amqp", "the broker's URL must start with amqp:// or amqps://")
	}
	return &Consumer{cfg: cfg.withDefaults(), in: in}, nil
}

// Run consumes until ctx ends: then it finishes the message in hand,
// settles it, detaches and returns nil. It connects again after any loss of
// the broker, waiting longer each time (up to MaxBackoff) until a
// connection works again.
func (c *Consumer) Run(ctx context.Context) error {
	wait := c.cfg.MinBackoff
	for {
		worked, err := c.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if worked {
			wait = c.cfg.MinBackoff
		}
		c.cfg.Logger.Warn("cfx: broker connection lost; connecting again", "source", c.cfg.Source, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, c.cfg.MaxBackoff)
	}
}

// session connects, attaches and consumes until the connection fails or ctx
// ends. worked says whether it got as far as attaching.
func (c *Consumer) session(ctx context.Context) (worked bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := amqp.Dial(dctx, c.cfg.URL, &amqp.ConnOptions{ContainerID: "tracegraph"})
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	sess, err := conn.NewSession(dctx, nil)
	if err != nil {
		return false, fmt.Errorf("session: %w", err)
	}
	if q, ok := rabbitQueue(c.cfg.Source); ok {
		if err := declare(dctx, sess, q); err != nil {
			return false, err
		}
	}
	rcv, err := sess.NewReceiver(dctx, c.cfg.Source, &amqp.ReceiverOptions{Credit: c.cfg.Credit})
	if err != nil {
		return false, fmt.Errorf("receive from %s: %w", c.cfg.Source, err)
	}
	dead, err := sess.NewSender(dctx, c.cfg.DeadLetter, &amqp.SenderOptions{TargetDurability: amqp.DurabilityUnsettledState})
	if err != nil {
		return false, fmt.Errorf("send to %s: %w", c.cfg.DeadLetter, err)
	}
	c.cfg.Logger.Info("cfx: consuming", "source", c.cfg.Source, "deadLetter", c.cfg.DeadLetter)
	for {
		// On shutdown the connection closes (deferred) without detaching
		// first: the broker puts what it sent ahead, unsettled, back in
		// the queue either way, and RabbitMQ 3 does not answer a detach.
		msg, err := rcv.Receive(ctx, nil)
		if err == nil && ctx.Err() != nil {
			// Receive hands out what the broker sent ahead even after ctx
			// ended: leave it unsettled, to go back to the queue.
			err = ctx.Err()
		}
		if err != nil {
			return true, err
		}
		// A message in hand is finished even when shutdown begins.
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.ApplyTimeout)
		err = c.handle(hctx, rcv, dead, msg)
		cancel()
		if err != nil {
			return true, err
		}
	}
}

// rabbitQueue returns the queue of a RabbitMQ 3 address /amq/queue/NAME.
//
// RabbitMQ 3's AMQP 1.0 plugin declares the queue of a /queue/NAME address
// on attach: durable for a sender whose target is durable, but never for a
// receiver (which then fails on a durable queue, and on a queue it
// declared loses every message when the broker restarts). A durable queue
// is consumed as /amq/queue/NAME, which declares nothing.
func rabbitQueue(address string) (string, bool) {
	q, ok := strings.CutPrefix(address, "/amq/queue/")
	return q, ok && q != ""
}

// declare makes sure the durable queue exists on RabbitMQ 3: attaching a
// sender with a durable target to /queue/NAME declares it (and does
// nothing to a durable queue that is there). The sender stays attached
// until the connection closes: RabbitMQ 3 does not answer its detach.
func declare(ctx context.Context, sess *amqp.Session, queue string) error {
	if _, err := sess.NewSender(ctx, "/queue/"+queue, &amqp.SenderOptions{TargetDurability: amqp.DurabilityUnsettledState}); err != nil {
		return fmt.Errorf("declare the durable queue %s: %w", queue, err)
	}
	return nil
}

// handle ingests the envelopes of one AMQP message and settles it: accepted
// once each envelope is applied, a duplicate, ignored, or dead-lettered;
// released (to come again) when the store failed.
func (c *Consumer) handle(ctx context.Context, rcv *amqp.Receiver, dead *amqp.Sender, msg *amqp.Message) error {
	raws, err := c.envelopes(msg)
	if err != nil {
		r := Result{Status: StatusRejected, Error: tracegraph.AsError(err)}
		c.cfg.Logger.Warn("cfx: message dead-lettered", "reason", r.Error.Error())
		if err := c.deadLetter(ctx, dead, msg, body(msg), r.Error); err != nil {
			return err
		}
		c.in.observe(r)
		return rcv.AcceptMessage(ctx, msg)
	}
	for _, raw := range raws {
		r, err := c.in.IngestRaw(ctx, raw)
		if err != nil {
			c.cfg.Logger.Error("cfx: the store failed; the message comes again", "err", err)
			_ = rcv.ReleaseMessage(ctx, msg)
			return err
		}
		if r.Status == StatusRejected {
			c.cfg.Logger.Warn("cfx: message dead-lettered", "message", r.MessageName, "uniqueID", r.UniqueID, "reason", r.Error.Error())
			if err := c.deadLetter(ctx, dead, msg, raw, r.Error); err != nil {
				return err
			}
		}
	}
	return rcv.AcceptMessage(ctx, msg)
}

// envelopes returns the CFX envelopes of an AMQP message: its body (data
// sections, or a string or binary value), gunzipped when its
// content-encoding is gzip (the CFX SDK's default), split (Split).
func (c *Consumer) envelopes(msg *amqp.Message) ([][]byte, error) {
	b := body(msg)
	if p := msg.Properties; p != nil && p.ContentEncoding != nil && strings.EqualFold(*p.ContentEncoding, "gzip") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the message says gzip but is not: %v", err)
		}
		b, err = io.ReadAll(io.LimitReader(zr, tracegraph.MaxEventBytes*MaxEnvelopes))
		if err != nil {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the message's gzip does not decompress: %v", err)
		}
	}
	raws, err := Split(b)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(raws))
	for i, r := range raws {
		out[i] = r
	}
	return out, nil
}

// body is the bytes of the message's body.
func body(msg *amqp.Message) []byte {
	if len(msg.Data) > 0 {
		return bytes.Join(msg.Data, nil)
	}
	switch v := msg.Value.(type) {
	case string:
		return []byte(v)
	case []byte:
		return v
	}
	return nil
}

// deadLetter sends raw to the dead-letter address with the reason, and
// returns once the broker has it.
func (c *Consumer) deadLetter(ctx context.Context, dead *amqp.Sender, orig *amqp.Message, raw []byte, reason *tracegraph.Error) error {
	m := amqp.NewMessage(raw)
	m.Header = &amqp.MessageHeader{Durable: true}
	ct := "application/json"
	m.Properties = &amqp.MessageProperties{ContentType: &ct}
	if orig.Properties != nil {
		m.Properties.Subject = orig.Properties.Subject
		m.Properties.MessageID = orig.Properties.MessageID
	}
	m.ApplicationProperties = map[string]any{}
	for k, v := range orig.ApplicationProperties {
		m.ApplicationProperties[k] = v
	}
	m.ApplicationProperties[PropErrorCode] = string(reason.Code)
	m.ApplicationProperties[PropErrorField] = reason.Field
	m.ApplicationProperties[PropErrorMessage] = reason.Message
	m.ApplicationProperties[PropSource] = c.cfg.Source
	if err := dead.Send(ctx, m, nil); err != nil {
		return fmt.Errorf("dead-letter to %s: %w", c.cfg.DeadLetter, err)
	}
	return nil
}
