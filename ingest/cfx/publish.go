package cfx

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"

	"github.com/Azure/go-amqp"
)

// Publish sends each body (a CFX envelope, or a JSON array of them) to the
// AMQP 1.0 address as one durable message, the way a CFX endpoint does:
// JSON, gzipped when zip is set (the CFX SDK's default, saying so in its
// content-encoding). It returns once the broker has taken them all. The
// target is durable: on RabbitMQ 3, sending to /queue/NAME declares the
// durable queue NAME when it is missing.
func Publish(ctx context.Context, url, address string, zip bool, bodies ...[]byte) error {
	conn, err := amqp.Dial(ctx, url, nil)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	sess, err := conn.NewSession(ctx, nil)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	snd, err := sess.NewSender(ctx, address, &amqp.SenderOptions{TargetDurability: amqp.DurabilityUnsettledState})
	if err != nil {
		return fmt.Errorf("send to %s: %w", address, err)
	}
	for i, b := range bodies {
		ct := `application/json; charset="utf-8"`
		props := &amqp.MessageProperties{ContentType: &ct}
		if zip {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			if _, err := zw.Write(b); err != nil {
				return err
			}
			if err := zw.Close(); err != nil {
				return err
			}
			b = buf.Bytes()
			enc := "gzip"
			props.ContentEncoding = &enc
		}
		m := amqp.NewMessage(b)
		m.Header = &amqp.MessageHeader{Durable: true}
		m.Properties = props
		if err := snd.Send(ctx, m, nil); err != nil {
			return fmt.Errorf("send message %d to %s: %w", i+1, address, err)
		}
	}
	return nil
}
