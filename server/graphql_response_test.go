package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseIsJSONMarshal: writeResponse writes what json.Marshal
// writes for every shape of graphql.Response, including data json.Marshal
// rewrites (whitespace between tokens, as gqlgen's Map and Any scalars end
// with a newline; <, >, &, U+2028, U+2029 in strings; escaped quotes) and the
// fields it leaves to json.Marshal.
func TestWriteResponseIsJSONMarshal(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		resp *graphql.Response
	}{
		{"nil", nil},
		{"no data", &graphql.Response{}},
		{"plain", &graphql.Response{Data: json.RawMessage(`{"a":[1,2.5,true,null,"x"],"b":{}}`)}},
		{"whitespace between tokens", &graphql.Response{Data: json.RawMessage("{ \"a\" :\t[1 , 2 ]\r\n, \"b\" : {\"c\": \"d e\"}\n}\n")}},
		{"html and separators", &graphql.Response{Data: json.RawMessage("{\"s\":\"<a href=\\\"x\\\">&amp;</a>\u2028 \u2029 \u2027 \u202a\"}")}},
		{"escapes", &graphql.Response{Data: json.RawMessage(`{"s":"\\\" \" \\\\\" \u003c \t","t":"\\"}`)}},
		{"separator at the end", &graphql.Response{Data: json.RawMessage("\"\u2028\"")}},
		{"invalid UTF-8 kept", &graphql.Response{Data: json.RawMessage("{\"s\":\"\xff\xfe<\"}")}},
		{"errors and data", &graphql.Response{Data: json.RawMessage(`{"node":null}`), Errors: gqlerror.List{
			{Message: "no <such> & node", Path: ast.Path{ast.PathName("node"), ast.PathIndex(2)}, Extensions: map[string]any{"code": "NOT_FOUND", "field": "id"}}}}},
		{"errors only", &graphql.Response{Errors: gqlerror.List{{Message: "parse error"}, {Message: "second"}}}},
		{"extensions", &graphql.Response{Data: json.RawMessage(`{}`), Extensions: map[string]any{"z": 1, "a": "<b>"}}},
		{"incremental (json.Marshal)", &graphql.Response{Data: json.RawMessage(`{"x":1}`), Label: "l", Path: ast.Path{ast.PathName("a")}, HasNext: &yes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.resp)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			writeResponse(&got, tt.resp)
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("got  %s\nwant %s", got.Bytes(), want)
			}
		})
	}
}

// TestWriteResponseRefusesLikeJSONMarshal: data that is present but empty
// cannot be encoded; writeResponse panics as gqlgen's transport does.
func TestWriteResponseRefusesLikeJSONMarshal(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for empty data")
		}
	}()
	writeResponse(&bytes.Buffer{}, &graphql.Response{Data: json.RawMessage{}})
}
