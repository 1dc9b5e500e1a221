package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/tracegraph/tracegraph"
)

// SchemaID is the $id of the events' JSON Schema, the path the service
// serves it at.
const SchemaID = "/api/v1/schema/events.json"

// EventSchema returns the JSON Schema (draft 2020-12) of an event as a client
// sends it (POST /api/v1/events, one array element or NDJSON line): the
// envelope, and under $defs the schema of each event type's data, named by
// the type (#/$defs/unit.created).
//
// It is derived from the payload types (tracegraph.NewPayload: field names,
// JSON types, which fields are required and which may be null) and the
// table of constraints in schema_rules.go; every field of every payload
// must be in that table, so that a field added to a payload fails
// EventSchema until its rule is written. The decoder checks a few things a
// JSON Schema cannot say (check digits, rules across fields, lengths in
// bytes): BeyondSchema lists them.
func EventSchema() ([]byte, error) {
	schemaOnce.Do(func() { schemaJSON, schemaErr = buildSchema() })
	return schemaJSON, schemaErr
}

var (
	schemaOnce sync.Once
	schemaJSON []byte
	schemaErr  error
)

// obj is a JSON Schema, or a part of one.
type obj = map[string]any

func buildSchema() ([]byte, error) {
	defs := obj{}
	types := tracegraph.AllEventTypes()
	var dispatch []any
	for _, t := range types {
		p := tracegraph.NewPayload(t)
		s, err := structSchema(reflect.TypeOf(p).Elem(), defs)
		if err != nil {
			return nil, fmt.Errorf("schema of %s: %w", t, err)
		}
		s["title"] = string(t)
		s["description"] = "The data of " + string(t) + " (docs/events.md#" + anchor(t) + ")."
		if extra, ok := typeRules[t]; ok {
			for k, v := range extra {
				s[k] = v
			}
		}
		defs[string(t)] = s
		dispatch = append(dispatch, obj{
			"if":   obj{"properties": obj{"type": obj{"const": string(t)}}, "required": []string{"type"}},
			"then": obj{"properties": obj{"data": obj{"$ref": "#/$defs/" + string(t)}}},
		})
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	s := obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         SchemaID,
		"title":       "tracegraph event",
		"description": "One shop-floor event as a client sends it (docs/events.md). The service adds recordedBy, seq, recordedAt and the hashes; a client never sends them.",
		"type":        "object",
		"required":    []string{"id", "type", "time", "data"},
		"properties": obj{
			"id":       withLen(text(true), tracegraph.MaxEventIDLen),
			"type":     obj{"type": "string", "enum": names},
			"time":     timeSchema(),
			"station":  nullable(withLen(text(false), tracegraph.MaxKeyLen)),
			"operator": nullable(withLen(text(false), tracegraph.MaxKeyLen)),
			"data":     obj{"type": "object"},
			// What a standard's message said beyond the data (docs/epcis.md).
			"props": nullable(obj{"type": "object", "maxProperties": tracegraph.MaxProps,
				"propertyNames": withLen(text(true), tracegraph.MaxPropKeyLen), "additionalProperties": text(true)}),
		},
		"additionalProperties": false,
		"allOf":                dispatch,
		"$defs":                defs,
	}
	return json.MarshalIndent(s, "", "  ")
}

// anchor is the docs/events.md anchor of an event type's section.
func anchor(t tracegraph.EventType) string { return strings.ReplaceAll(string(t), ".", "") }

// structSchema returns the schema of a payload struct: its JSON fields,
// each with its rule (schema_rules.go) over its JSON type.
func structSchema(t reflect.Type, defs obj) (obj, error) {
	rules, ok := fieldRules[t.Name()]
	if !ok {
		return nil, fmt.Errorf("no rules for %s in schema_rules.go", t.Name())
	}
	props := obj{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		r, ok := rules[name]
		if !ok {
			return nil, fmt.Errorf("no rule for %s.%s (JSON %q) in schema_rules.go", t.Name(), f.Name, name)
		}
		s, err := fieldSchema(f.Type, r, defs)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
		req := !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && !r.optional
		if req {
			required = append(required, name)
		} else {
			// The decoder reads null as absent.
			s = nullable(s)
		}
		props[name] = s
	}
	for name := range rules {
		if _, ok := props[name]; !ok {
			return nil, fmt.Errorf("schema_rules.go has a rule for %s.%s, which has no such field", t.Name(), name)
		}
	}
	s := obj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, nil
}

// fieldSchema is the schema of one field: its rule's, over the JSON type
// of its Go type when the rule does not give one.
func fieldSchema(t reflect.Type, r rule, defs obj) (obj, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s := obj{}
	for k, v := range r.schema {
		s[k] = v
	}
	if _, ok := s["type"]; ok {
		return s, nil
	}
	if _, ok := s["allOf"]; ok {
		return s, nil
	}
	switch {
	case t == reflect.TypeFor[time.Time]():
		return merge(dataTime(), s), nil
	case t.Kind() == reflect.String:
		s["type"] = "string"
	case t.Kind() == reflect.Bool:
		s["type"] = "boolean"
	case t.Kind() == reflect.Float64:
		s["type"] = "number"
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		s["type"] = "integer"
	case t.Kind() == reflect.Slice:
		s["type"] = "array"
		if _, ok := s["items"]; !ok {
			item, err := fieldSchema(t.Elem(), rule{schema: r.items}, defs)
			if err != nil {
				return nil, err
			}
			s["items"] = item
		}
	case t.Kind() == reflect.Map:
		s["type"] = "object"
	case t.Kind() == reflect.Struct:
		if _, ok := defs[t.Name()]; !ok {
			defs[t.Name()] = obj{} // a placeholder against cycles
			sub, err := structSchema(t, defs)
			if err != nil {
				return nil, err
			}
			defs[t.Name()] = sub
		}
		s["$ref"] = "#/$defs/" + t.Name()
	default:
		return nil, fmt.Errorf("no JSON type for Go type %s", t)
	}
	return s, nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func merge(a, b obj) obj {
	out := obj{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// nullable lets s be null too.
func nullable(s obj) obj {
	if e, ok := s["enum"].([]string); ok {
		s = merge(s, obj{"enum": append(toAny(e), nil)})
	}
	switch t := s["type"].(type) {
	case string:
		out := merge(s, nil)
		out["type"] = []string{t, "null"}
		return out
	case []string:
		if !slices.Contains(t, "null") {
			out := merge(s, nil)
			out["type"] = append(slices.Clone(t), "null")
			return out
		}
		return s
	}
	return obj{"anyOf": []any{s, obj{"type": "null"}}}
}

// ---- text patterns

// controls and spaces are the runes the decoder refuses in text
// (unicode.IsControl) and around it (strings.TrimSpace's unicode.IsSpace),
// written into character classes.
var controls, spaces = runeClass(unicode.IsControl), runeClass(unicode.IsSpace)

func runeClass(f func(rune) bool) string {
	var b strings.Builder
	for r := rune(0); r <= 0x3000; r++ {
		if f(r) {
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

// textPattern matches text without the runes of bad, and without spaces at
// either end; the empty text too.
func textPattern(bad string) string {
	return "^(?:[^" + bad + spaces + "](?:[^" + bad + "]*[^" + bad + spaces + "])?)?$"
}

// text is a field of free text: at most 1000 bytes, no control characters,
// no spaces at either end; required means not empty.
func text(required bool) obj {
	s := obj{"type": "string", "maxLength": 1000, "pattern": textPattern(controls)}
	if required {
		s["minLength"] = 1
	}
	return s
}

func withLen(s obj, n int) obj {
	out := merge(s, nil)
	out["maxLength"] = n
	return out
}

// key names a node: text of at most MaxKeyLen bytes.
func key(required bool) obj { return withLen(text(required), tracegraph.MaxKeyLen) }

// ref is a reference: a key, and when it starts with a label and a colon a
// global ID whose key is not empty nor starts with a space.
func ref(required bool) obj {
	labels := make([]string, len(tracegraph.Labels))
	for i, l := range tracegraph.Labels {
		labels[i] = string(l)
	}
	s := key(required)
	s["not"] = obj{"pattern": "^(?:" + strings.Join(labels, "|") + "):(?:[" + spaces + "].*)?$"}
	return s
}

// refs is a list of distinct references.
func refs(required bool) obj {
	s := obj{"type": "array", "items": ref(true), "uniqueItems": true, "maxItems": tracegraph.MaxListLen}
	if required {
		s["minItems"] = 1
	}
	return s
}

// texts is a list of texts, none empty.
func texts(required bool) obj {
	s := obj{"type": "array", "items": text(true), "maxItems": tracegraph.MaxListLen}
	if required {
		s["minItems"] = 1
	}
	return s
}

// anyCase is a string equal to one of words in any case (or empty when
// optional).
func anyCase(optional bool, words ...string) obj {
	alts := make([]string, len(words))
	for i, w := range words {
		var b strings.Builder
		for _, r := range w {
			if u, l := unicode.ToUpper(r), unicode.ToLower(r); u != l {
				b.WriteString("[" + string(u) + string(l) + "]")
			} else {
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		alts[i] = b.String()
	}
	p := "^(?:" + strings.Join(alts, "|") + ")$"
	if optional {
		p = "^(?:" + strings.Join(alts, "|") + ")?$"
	}
	return obj{"type": "string", "pattern": p}
}

// result is pass or fail, as the decoder reads them.
func result(optional bool) obj {
	return anyCase(optional, "pass", "passed", "ok", "fail", "failed", "ng")
}

// timeSchema is the envelope's time: RFC 3339 with at most nanoseconds,
// from 1970 to 2261 (the decoder's exact range is from
// 1970-01-01T00:00:01Z to before 2262-01-01T00:00:00Z in UTC).
func timeSchema() obj { return timeWith("{1,9}") }

// dataTime is a time in data (expiresAt, openedAt): like the envelope's,
// but the decoder takes any number of digits of a second there (and keeps
// nanoseconds).
func dataTime() obj { return timeWith("+") }

func timeWith(digits string) obj {
	return obj{"type": "string", "format": "date-time",
		"pattern": `^(?:19[7-9][0-9]|20[0-9][0-9]|21[0-9][0-9]|22[0-5][0-9]|226[01])-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]` + digits + `)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$`}
}

// quantity is a number from 0 to 2^53. The decoder compares the number as
// read into a float64, in which 2^53 + 1 rounds to 2^53: so does the
// schema's maximum.
func quantity() obj {
	return obj{"type": "number", "minimum": 0, "maximum": tracegraph.MaxQuantity + 1}
}
