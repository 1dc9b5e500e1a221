package api_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
)

func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// example is a JSON block of docs/events.md and the section it is in.
type example struct {
	name, section, text string
}

var heading = regexp.MustCompile("^#{2,3} `([a-z.]+)`$")

// docExamples returns every ```json block of docs/events.md, each with the
// event type whose section holds it ("" before the first).
func docExamples(t *testing.T) []example {
	t.Helper()
	var out []example
	section := ""
	var block *strings.Builder
	for i, line := range strings.Split(readDoc(t), "\n") {
		switch {
		case block != nil && line == "```":
			out = append(out, example{name: "docs/events.md:" + itoa(i+1-strings.Count(block.String(), "\n")), section: section, text: block.String()})
			block = nil
		case block != nil:
			block.WriteString(line + "\n")
		case line == "```json":
			block = &strings.Builder{}
		case strings.HasPrefix(line, "#"):
			section = ""
			if m := heading.FindStringSubmatch(line); m != nil {
				section = m[1]
			}
		}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestDocsCoverEveryType: docs/events.md has a section for every registered
// event type (and none for a type that does not exist), each with an
// example of its type. A type added without its documentation fails here.
func TestDocsCoverEveryType(t *testing.T) {
	doc := readDoc(t)
	sections := map[string]bool{}
	for _, line := range strings.Split(doc, "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			sections[m[1]] = true
		}
	}
	examples := map[string]bool{}
	for _, ex := range docExamples(t) {
		if ev, err := tracegraph.DecodeEvent([]byte(ex.text)); err == nil && string(ev.Type) == ex.section {
			examples[ex.section] = true
		}
	}
	for _, et := range tracegraph.AllEventTypes() {
		if !sections[string(et)] {
			t.Errorf("docs/events.md has no section ### `%s`", et)
		} else if !examples[string(et)] {
			t.Errorf("docs/events.md's section on %s has no example of it that decodes", et)
		}
		delete(sections, string(et))
	}
	for s := range sections {
		t.Errorf("docs/events.md has a section on %s, which is no event type", s)
	}
}

// TestDocsExamplesDecode: every JSON example of docs/events.md decodes and
// is valid against the served schema.
func TestDocsExamplesDecode(t *testing.T) {
	s := compileSchema(t)
	exs := docExamples(t)
	if len(exs) < len(tracegraph.AllEventTypes()) {
		t.Fatalf("docs/events.md has %d examples, fewer than the event types", len(exs))
	}
	for _, ex := range exs {
		if _, err := tracegraph.DecodeEvent([]byte(ex.text)); err != nil {
			t.Errorf("%s: %s does not decode: %v", ex.name, bytes.TrimSpace([]byte(ex.text)), err)
		}
		if ok, err := valid(s, []byte(ex.text)); !ok {
			t.Errorf("%s: %s is not schema-valid: %v", ex.name, bytes.TrimSpace([]byte(ex.text)), err)
		}
	}
}

// notShown are fields the examples need not show: hold.placed's all may
// only be false.
var notShown = map[string]bool{"hold.placed.all": true}

// TestDocsShowEveryField: every field of every event type (and of the
// objects inside them) appears in an example of docs/events.md, so that
// TestSchemaAgreesWithDecoder varies every field.
func TestDocsShowEveryField(t *testing.T) {
	b, _ := api.EventSchema()
	var schema struct {
		Defs map[string]map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var mark func(def string, v any)
	mark = func(def string, v any) {
		obj, _ := v.(map[string]any)
		props, _ := schema.Defs[def]["properties"].(map[string]any)
		for k, x := range obj {
			seen[def+"."+k] = true
			p, _ := props[k].(map[string]any)
			if items, ok := p["items"].(map[string]any); ok {
				p = items
			}
			if alts, ok := p["anyOf"].([]any); ok { // nullable
				p, _ = alts[0].(map[string]any)
			}
			if ref, ok := p["$ref"].(string); ok {
				sub := strings.TrimPrefix(ref, "#/$defs/")
				if list, ok := x.([]any); ok {
					for _, e := range list {
						mark(sub, e)
					}
				} else {
					mark(sub, x)
				}
			}
		}
	}
	for _, ex := range docExamples(t) {
		var ev struct {
			Type string `json:"type"`
			Data any    `json:"data"`
		}
		if json.Unmarshal([]byte(ex.text), &ev) == nil {
			mark(ev.Type, ev.Data)
		}
	}
	for def, s := range schema.Defs {
		props, _ := s["properties"].(map[string]any)
		for k := range props {
			if !seen[def+"."+k] && !notShown[def+"."+k] {
				t.Errorf("no example in docs/events.md shows %s's %s", def, k)
			}
		}
	}
}
