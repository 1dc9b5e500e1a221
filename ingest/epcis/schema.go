package epcis

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/tracegraph/tracegraph"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaJSON is GS1's EPCIS 2.0 JSON Schema (testdata/gs1/SOURCE.md says
// from where).
//
//go:embed EPCIS-JSON-Schema.json
var schemaJSON []byte

// schemaURL is the schema's $id.
const schemaURL = "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"

// Validator checks documents against the EPCIS 2.0 JSON Schema, formats
// (uri, date-time) included. Safe for concurrent use.
type Validator struct {
	schema *jsonschema.Schema
}

// NewValidator compiles the vendored schema.
func NewValidator() (*Validator, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("epcis schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseRegexpEngine(regexpEngine)
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("epcis schema: %w", err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("epcis schema: %w", err)
	}
	return &Validator{schema: s}, nil
}

// printer words schema findings in English.
var printer = message.NewPrinter(language.English)

// regexpEngine compiles the schema's patterns with Go's regexp, which has
// no lookahead; the schema uses one form of it, "^(?!(A|B))" (does not start
// with A or B), which is compiled as the negation of "^(A|B)".
func regexpEngine(pattern string) (jsonschema.Regexp, error) {
	if inner, ok := strings.CutPrefix(pattern, "^(?!"); ok && strings.HasSuffix(inner, ")") {
		re, err := regexp.Compile("^" + strings.TrimSuffix(inner, ")"))
		if err != nil {
			return nil, err
		}
		return notStarting{re}, nil
	}
	return regexp.Compile(pattern)
}

// notStarting matches what its pattern does not.
type notStarting struct{ re *regexp.Regexp }

func (n notStarting) MatchString(s string) bool { return !n.re.MatchString(s) }
func (n notStarting) String() string            { return "^(?!" + strings.TrimPrefix(n.re.String(), "^") + ")" }

// maxSchemaErrors bounds the schema findings an error lists.
const maxSchemaErrors = 5

// Validate returns nil when body is an EPCISDocument the schema accepts,
// and an INVALID *tracegraph.Error naming where it is wrong otherwise.
func (v *Validator) Validate(body []byte) error { return v.validate(body, "EPCISDocument") }

// ValidateQueryDocument is Validate for an EPCISQueryDocument (what
// GET /epcis/events answers).
func (v *Validator) ValidateQueryDocument(body []byte) error {
	return v.validate(body, "EPCISQueryDocument")
}

func (v *Validator) validate(body []byte, docType string) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not JSON: %v", err)
	}
	var head struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(body, &head)
	if head.Type != docType {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "type", "type %q: want an %s", clip(head.Type), docType)
	}
	err = v.schema.Validate(inst)
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil
	}
	if !errors.As(err, &ve) {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "", "EPCIS schema: %v", err)
	}
	leaves := leafErrors(ve, nil)
	sort.SliceStable(leaves, func(i, j int) bool { return len(leaves[i].InstanceLocation) > len(leaves[j].InstanceLocation) })
	var msgs []string
	seen := map[string]bool{}
	for _, l := range leaves {
		m := "/" + strings.Join(l.InstanceLocation, "/") + ": " + l.ErrorKind.LocalizedString(printer)
		if !seen[m] && len(msgs) < maxSchemaErrors {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	field := ""
	if len(leaves) > 0 {
		field = fieldPath(leaves[0].InstanceLocation)
	}
	return tracegraph.Errorf(tracegraph.CodeInvalid, field, "not a valid EPCIS 2.0 document (GS1 JSON Schema): %s", strings.Join(msgs, "; "))
}

// fieldPath writes a JSON location as a field: epcisBody.eventList[0].
func fieldPath(loc []string) string {
	var b strings.Builder
	for _, p := range loc {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// leafErrors collects the innermost findings of a validation error.
func leafErrors(e *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return append(out, e)
	}
	for _, c := range e.Causes {
		out = leafErrors(c, out)
	}
	return out
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
