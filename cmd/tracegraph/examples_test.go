package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/server"
)

// TestDemoExamplesAnswer: every example GraphiQL offers on the demo answers
// with data and without errors, on a generated factory loaded into a real
// store; and the demo factory has every fact, so on the demo none is left out.
func TestDemoExamplesAnswer(t *testing.T) {
	ctx := context.Background()
	store, err := embedded.Open(filepath.Join(t.TempDir(), "data"), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var batch []*tracegraph.Event
	flush := func() {
		if _, err := store.Apply(ctx, batch, tracegraph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	sum, err := factory.Generate(ctx, factory.Config{Units: 3000, Seed: demoSeed}, func(ev *tracegraph.Event) error {
		if batch = append(batch, ev); len(batch) == 1000 {
			flush()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	flush()
	examples := demoExamples(&sum.Facts)
	if len(examples) != 5+len(server.GenericExamples()) {
		t.Fatalf("%d examples on a 3,000-unit factory, want every fact's and the generic ones", len(examples))
	}
	srv, err := server.New(server.Config{Store: store, Examples: examples})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	for _, ex := range examples {
		t.Run(ex.Name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": ex.Query, "variables": json.RawMessage(orEmpty(ex.Variables))})
			resp, err := http.Post(ts.URL+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got struct {
				Data   map[string]json.RawMessage `json:"data"`
				Errors []json.RawMessage          `json:"errors"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if len(got.Errors) > 0 {
				t.Fatalf("errors: %s", got.Errors)
			}
			if len(got.Data) == 0 {
				t.Fatal("no data")
			}
			for field, v := range got.Data {
				if s := string(v); s == "null" || s == "[]" {
					t.Errorf("%s answered %s", field, s)
				}
			}
		})
	}

	// The page carries them all.
	resp, err := http.Get(ts.URL + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page bytes.Buffer
	page.ReadFrom(resp.Body)
	for _, ex := range examples {
		if !strings.Contains(page.String(), `"name":"`+ex.Name+`"`) {
			t.Errorf("/graphiql lacks the example %q", ex.Name)
		}
	}

	// The demo itself (generated, not loaded) has a fact for every example.
	demo, err := factory.Generate(ctx, factory.Config{Units: demoUnits, Seed: demoSeed}, func(*tracegraph.Event) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n := len(demoExamples(&demo.Facts)); n != len(examples) {
		t.Errorf("the demo offers %d examples, want %d", n, len(examples))
	}
}

func orEmpty(vars string) string {
	if vars == "" {
		return "{}"
	}
	return vars
}
