package ingest_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/ingest"
)

// benchBodies encodes a generated factory's events as bodies of 50 events,
// as a line's controller posts them: NDJSON and JSON arrays.
func benchBodies(b *testing.B) (ndjson, array [][]byte, events int) {
	b.Helper()
	var nd, arr []byte
	n := 0
	_, err := factory.Generate(context.Background(), factory.Config{Units: 200, Seed: 1}, func(ev *tracegraph.Event) error {
		var err error
		if n%50 == 0 {
			if n > 0 {
				ndjson, array = append(ndjson, nd), append(array, append(arr, ']'))
			}
			nd, arr = nil, []byte{'['}
		} else {
			arr = append(arr, ',')
		}
		if nd, err = factory.AppendEvent(nd, ev); err != nil {
			return err
		}
		nd = append(nd, '\n')
		arr, err = factory.AppendEvent(arr, ev)
		n++
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return ndjson, array, 50 * len(ndjson)
}

// BenchmarkReadEvents reads and decodes bodies of 50 events: ReadSized,
// then Batch.Add each (ndjson, array), and as POST /api/v1/events does,
// ReadEvents, then Batch.AddDecoded each (ndjson-decoded, array-decoded),
// and as POST /api/v1/events does, one EventReader for all bodies, then
// Batch.AddDecoded each (ndjson-names, array-names): the
// part of durable ingest over HTTP before the store. ns/op and
// allocs/op are per body.
//
//	go test ./ingest/ -run '^$' -bench ReadEvents -benchmem
func BenchmarkReadEvents(b *testing.B) {
	ndjson, array, _ := benchBodies(b)
	for _, c := range []struct {
		name, contentType string
		bodies            [][]byte
		decoded, names    bool
	}{{"ndjson", "application/x-ndjson", ndjson, false, false}, {"array", "application/json", array, false, false},
		{"ndjson-decoded", "application/x-ndjson", ndjson, true, false}, {"array-decoded", "application/json", array, true, false},
		{"ndjson-names", "application/x-ndjson", ndjson, true, true}, {"array-names", "application/json", array, true, true}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			read := ingest.ReadEvents
			if c.names {
				read = ingest.NewEventReader().Read
			}
			i := 0
			for b.Loop() {
				batch := ingest.NewBatch(0)
				body := c.bodies[i%len(c.bodies)]
				var err error
				if c.decoded {
					err = read(bytes.NewReader(body), int64(len(body)), c.contentType, func(ev *tracegraph.Event, err error, raw []byte, line int) error {
						batch.AddDecoded(ctx, ev, err, raw, line)
						return nil
					})
				} else {
					err = ingest.ReadSized(bytes.NewReader(body), int64(len(body)), c.contentType, func(raw []byte, line int) error {
						batch.Add(ctx, raw, line)
						return nil
					})
				}
				if err != nil || batch.Len() != 50 {
					b.Fatalf("%d events, %v", batch.Len(), err)
				}
				i++
			}
		})
	}
}
