package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/cyphertest"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
)

// TestMigrateIntoNeo4j moves a generated factory from the embedded store
// into Neo4j with `tracegraph migrate`, as a user outgrowing one machine
// does: the heads are equal, Neo4j verifies intact, and a wafer-batch recall
// and a product's genealogy answer the same on both stores.
func TestMigrateIntoNeo4j(t *testing.T) {
	dst := cyphertest.Open(t, nil) // empties the test database
	cfg := cyphertest.Config(t)
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "data")
	src, err := embedded.Open(data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var batch []*tracegraph.Event
	flush := func() {
		if _, err := src.Apply(ctx, batch, tracegraph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	sum, err := factory.Generate(ctx, factory.Config{Units: 60, Seed: 3}, func(e *tracegraph.Event) error {
		if err := e.Normalize(); err != nil {
			return err
		}
		if batch = append(batch, e); len(batch) == 500 {
			flush()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	flush()
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}

	out, err := run(t, "migrate", "--data", data, "--neo4j-uri", cfg.URI, "--batch", "400")
	if err != nil || !strings.Contains(out, "Neo4j head = embedded head") {
		t.Fatalf("migrate = %q, %v", out, err)
	}
	rep, err := dst.Verify(ctx, tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("Verify on Neo4j after migrate = %+v, %v; want intact", rep, err)
	}

	src, err = embedded.Open(data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f := sum.Facts
	if f.WaferBatch == "" || f.Product == "" {
		t.Fatalf("the factory is too small for the facts: %+v", f)
	}
	same := func(what string, get func(tracegraph.Store) (any, error)) {
		t.Helper()
		a, errA := get(src)
		b, errB := get(dst)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if errA != nil || errB != nil || string(ja) != string(jb) {
			t.Errorf("%s differs:\nembedded %s %v\nneo4j    %s %v", what, ja, errA, jb, errB)
		}
	}
	wafer := tracegraph.NewID(tracegraph.LabelWaferBatch, f.WaferBatch)
	now := time.Now().UTC() // the same moment on both
	same("recall of "+string(wafer), func(s tracegraph.Store) (any, error) {
		return s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: []tracegraph.ID{wafer}, AsOf: now})
	})
	product := tracegraph.NewID(tracegraph.LabelUnit, f.Product)
	same("genealogy of "+string(product), func(s tracegraph.Store) (any, error) {
		return s.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{product}, Direction: tracegraph.Upstream, SkipEdges: true})
	})
}
