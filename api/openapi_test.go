package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/api"
)

// TestOpenAPIIsWellFormed: the OpenAPI document is JSON of version 3.1.0,
// every operation has a unique operationId and responses, and every
// reference inside it names a component it has (the references to the
// events' schema name api.SchemaID). server's tests check its routes.
func TestOpenAPIIsWellFormed(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatalf("api/openapi.json: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	schemas, _ := doc["components"].(map[string]any)["schemas"].(map[string]any)
	ids := map[string]bool{}
	for path, ops := range doc["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			o := op.(map[string]any)
			id, _ := o["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: operationId %q is missing or not unique", method, path, id)
			}
			ids[id] = true
			if r, _ := o["responses"].(map[string]any); len(r) == 0 {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				name, local := strings.CutPrefix(ref, "#/components/schemas/")
				if local && schemas[name] == nil || !local && ref != api.SchemaID {
					t.Errorf("$ref %q names nothing", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
}
