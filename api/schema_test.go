package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/internal/fuzzcorpus"
)

// schemaURL is where the tests place the schema; its $id is relative to
// it.
const schemaURL = "https://tracegraph.test" + api.SchemaID

// compileSchema compiles api.EventSchema with a real validator, formats
// asserted, its patterns run by Go's regexp.
func compileSchema(t testing.TB) *jsonschema.Schema { return compileWith(t, nil) }

// ecmaRegexp is a pattern run as ECMA-262 (JavaScript) runs it, as the
// JSON Schema standard says patterns are: the schema's clients are not all
// in Go.
type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

func compileECMA(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}

// compileWith compiles api.EventSchema with the regexp engine (nil: Go's).
func compileWith(t testing.TB, engine jsonschema.RegexpEngine) *jsonschema.Schema {
	t.Helper()
	b, err := api.EventSchema()
	if err != nil {
		t.Fatalf("EventSchema: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if engine != nil {
		c.UseRegexpEngine(engine)
	}
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatalf("compile the events' JSON Schema: %v", err)
	}
	return s
}

// TestEventSchemaCoversEveryType: every registered event type has its
// schema under $defs, and the document compiles against draft 2020-12.
func TestEventSchemaCoversEveryType(t *testing.T) {
	compileSchema(t)
	b, _ := api.EventSchema()
	var doc struct {
		Defs       map[string]json.RawMessage `json:"$defs"`
		Properties struct {
			Type struct {
				Enum []string `json:"enum"`
			} `json:"type"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, et := range tracegraph.AllEventTypes() {
		if _, ok := doc.Defs[string(et)]; !ok {
			t.Errorf("the schema has no $defs/%s", et)
		}
		if !slices.Contains(doc.Properties.Type.Enum, string(et)) {
			t.Errorf("the schema's type enum lacks %s", et)
		}
	}
}

// valid reports whether b is one JSON value that s accepts.
func valid(s *jsonschema.Schema, b []byte) (bool, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return false, err
	}
	err = s.Validate(v)
	return err == nil, err
}

// beyond lists what the decoder refuses and the schema cannot say, by event
// type ("*": any) and field ([*] any index, .* any key): docs/events.md
// lists them under "Beyond the schema".
var beyond = []struct{ typ, field string }{
	{"*", "time"}, {"*", "data.expiresAt"}, {"*", "data.openedAt"},
	{"packed", "data.sscc"}, {"unpacked", "data.sscc"}, {"product.defined", "data.gtin"},
	{"unit.created", "data.identifiers.*"}, {"identifier.assigned", "data.value"},
	{"unit.assembled", "data.child"}, {"test.recorded", "data.measurements[*].low"},
	{"setup.defined", "data.slots[*].slot"}, {"setup.defined", "data.slots[*].refDes[*]"},
	{"route.defined", "data.requires[*]"},
	{"product.defined", "data.links[*]"}, {"product.defined", "data.links[*].href"},
	{"serials.scheme", "data.pattern"}, {"serials.scheme", "data.site"}, {"serials.allocated", "data.serials"},
}

// textRules are the decoder's messages about the JSON text, which no schema
// sees.
var textRules = []string{"is given twice", "lone UTF-16 surrogate", "not valid UTF-8", "after the JSON value"}

// inBytes is the decoder's message about a length in bytes: the schema's
// counts characters, which differ only beyond ASCII.
var inBytes = regexp.MustCompile(`is longer than [0-9]+ bytes`)

var index = regexp.MustCompile(`\[[0-9]+\]`)

// beyondSchema reports whether the decoder's refusal err of an event of
// type typ is one the schema cannot make.
func beyondSchema(typ string, b []byte, err error) bool {
	e := tracegraph.AsError(err)
	if inBytes.MatchString(e.Message) && !ascii(b) {
		return true
	}
	for _, m := range textRules {
		if strings.Contains(e.Message, m) {
			return true
		}
	}
	f := index.ReplaceAllString(e.Field, "[*]")
	for _, b := range beyond {
		if b.typ != "*" && b.typ != typ {
			continue
		}
		if f == b.field || strings.HasSuffix(b.field, ".*") && strings.HasPrefix(f, strings.TrimSuffix(b.field, "*")) {
			return true
		}
	}
	return false
}

// ascii reports whether the JSON text b holds ASCII text only.
func ascii(b []byte) bool {
	return !bytes.Contains(b, []byte(`\u`)) && !slices.ContainsFunc(b, func(c byte) bool { return c >= 0x80 })
}

// agree checks that b decodes exactly when it is schema-valid, but for the
// decoder's refusals beyond the schema.
func agree(t *testing.T, s *jsonschema.Schema, name string, b []byte) {
	t.Helper()
	_, derr := tracegraph.DecodeEvent(b)
	ok, verr := valid(s, b)
	switch {
	case derr == nil && !ok:
		t.Errorf("%s: %s decodes but the schema refuses it: %v", name, b, verr)
	case derr != nil && ok:
		var typ struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(b, &typ)
		if !beyondSchema(typ.Type, b, derr) {
			t.Errorf("%s: %s is schema-valid but the decoder refuses it: %v", name, b, derr)
		}
	}
}

// corpus returns the seed corpus of FuzzDecodeEvent.
func corpus(t *testing.T) map[string][]byte {
	t.Helper()
	out, err := fuzzcorpus.Read("../testdata/fuzz/FuzzDecodeEvent")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaAgreesWithDecoder: on the fuzz corpus, the examples of
// docs/events.md and variants of each (every field left out, null, of
// another type, too long, with bad text, ...), an event decodes exactly
// when it is schema-valid, but for the refusals beyond the schema; with
// the patterns run by Go's regexp and as ECMA-262 runs them.
func TestSchemaAgreesWithDecoder(t *testing.T) {
	for _, engine := range []struct {
		name string
		re   jsonschema.RegexpEngine
	}{{"go", nil}, {"ecma", compileECMA}} {
		t.Run(engine.name, func(t *testing.T) {
			s := compileWith(t, engine.re)
			for name, b := range corpus(t) {
				agree(t, s, "corpus "+name, b)
			}
			n := 0
			for _, ex := range docExamples(t) {
				agree(t, s, ex.name, []byte(ex.text))
				for _, m := range mutants(t, []byte(ex.text)) {
					agree(t, s, ex.name+" "+m.name, m.b)
					n++
				}
			}
			if n < 1000 {
				t.Errorf("only %d variants checked", n)
			}
			t.Logf("%d variants of the examples checked", n)
		})
	}
}

// TestBeyondSchemaIsDocumented: docs/events.md names every field whose
// refusal the schema cannot make.
func TestBeyondSchemaIsDocumented(t *testing.T) {
	doc := readDoc(t)
	_, after, _ := strings.Cut(doc, "## Beyond the schema")
	for _, b := range beyond {
		if !strings.Contains(after, "`"+b.field+"`") {
			t.Errorf("docs/events.md, Beyond the schema, does not name `%s`", b.field)
		}
	}
}

// mutant is a variant of an example event.
type mutant struct {
	name string
	b    []byte
}

// values are what a mutant puts in place of a field.
var values = []any{
	nil, "", " x", "x ", "x\u0001y", "x\u0085", "x\u00a0", strings.Repeat("a", 201), strings.Repeat("a", 1001),
	strings.Repeat("é", 600), json.Number("0"), json.Number("-1"), json.Number("1.5"), json.Number("1e300"),
	json.Number("86401"), json.Number("9223372037"), json.Number("9007199254740993"), true, false, "x", "Unit:", "Unit: x", "Unit:X", "Nope:X",
	"EXACT", "candidate", "PASS", "ng", "Pallet", "6", "2A", "2026-02-30T00:00:00Z", "1970-01-01T00:00:00Z",
	"2261-12-31T23:59:59-05:00", "9999-01-01T00:00:00Z", "2026-01-01T00:00:00.1234567891Z", "2026-01-01t00:00:00z",
	"2026-01-01T00:00:00Z", []any{}, []any{"x"}, []any{"x", "x"}, []any{json.Number("1")}, map[string]any{},
	map[string]any{"a": "b"}, "106141410000000015", "106141410000000019", "04012345000008", "04012345000009",
	"https://example.com/x", "ftp://example.com/x", "http://", "gs1:pip", "a:b",
}

// mutants returns variants of the event b: each field (at any depth) left
// out, spelled with a capital, given twice (also with a capital) and
// replaced by each of values, each list emptied and given its first entry
// twice, each object given an unknown field.
func mutants(t *testing.T, b []byte) []mutant {
	t.Helper()
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	var out []mutant
	emit := func(name string) {
		nb, err := json.Marshal(root)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, mutant{name, nb})
	}
	var walk func(v any, path string, set func(any), del func())
	walk = func(v any, path string, set func(any), del func()) {
		if del != nil {
			del()
			emit(path + " left out")
			set(v)
		}
		for _, x := range values {
			set(x)
			emit(fmt.Sprintf("%s = %#v", path, x))
		}
		set(v)
		switch v := v.(type) {
		case map[string]any:
			v["zzUnknown"] = json.Number("1")
			emit(path + " with an unknown field")
			delete(v, "zzUnknown")
			for _, k := range slices.Sorted(mapsKeys(v)) {
				old := v[k]
				if K := strings.ToUpper(k[:1]) + k[1:]; K != k {
					delete(v, k)
					v[K] = old
					emit(path + "." + K + " for " + k)
					v[k] = old
					emit(path + " with " + k + " and " + K)
					delete(v, K)
				}
				walk(old, path+"."+k, func(x any) { v[k] = x }, func() { delete(v, k) })
				v[k] = old
			}
		case []any:
			if len(v) == 0 {
				return
			}
			set(append(slices.Clone(v), v[0]))
			emit(path + " with its first entry twice")
			set(v)
			for i := range v {
				old := v[i]
				walk(old, fmt.Sprintf("%s[%d]", path, i), func(x any) { v[i] = x }, nil)
				v[i] = old
			}
		}
	}
	for _, k := range slices.Sorted(mapsKeys(root)) {
		old := root[k]
		walk(old, k, func(x any) { root[k] = x }, func() { delete(root, k) })
		root[k] = old
	}
	root["recordedBy"] = "someone"
	emit("with recordedBy")
	delete(root, "recordedBy")
	return out
}

func mapsKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
