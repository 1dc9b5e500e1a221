package tracegraph

import (
	"strings"
	"testing"
)

func TestProductDefinedValidation(t *testing.T) {
	ev := func(data string) string {
		return `{"id":"p1","type":"product.defined","time":"2026-03-02T08:00:00Z","data":` + data + `}`
	}
	tests := []struct {
		name, data, field, msg string
	}{
		{"missing part number", `{"name":"N"}`, "data.partNumber", "required"},
		{"missing name", `{"partNumber":"P"}`, "data.name", "required"},
		{"part number with spaces around", `{"partNumber":" P","name":"N"}`, "data.partNumber", "spaces"},
		{"GTIN check digit", `{"partNumber":"P","name":"N","gtin":"4006381333932"}`, "data.gtin", "want 1"},
		{"GTIN length", `{"partNumber":"P","name":"N","gtin":"40063813339"}`, "data.gtin", "8, 12, 13 or 14"},
		{"GTIN letters", `{"partNumber":"P","name":"N","gtin":"40063813339A"}`, "data.gtin", "digits"},
		{"unknown link type", `{"partNumber":"P","name":"N","links":[{"type":"gs1:warrenty","href":"https://x.example"}]}`, "data.links[0].type", "gs1:warranty"},
		{"link type without prefix", `{"partNumber":"P","name":"N","links":[{"type":"pip","href":"https://x.example"}]}`, "data.links[0].type", "not a known"},
		{"missing link type", `{"partNumber":"P","name":"N","links":[{"href":"https://x.example"}]}`, "data.links[0].type", "required"},
		{"missing href", `{"partNumber":"P","name":"N","links":[{"type":"gs1:pip"}]}`, "data.links[0].href", "required"},
		{"relative href", `{"partNumber":"P","name":"N","links":[{"type":"gs1:pip","href":"/p/1"}]}`, "data.links[0].href", "absolute"},
		{"ftp href", `{"partNumber":"P","name":"N","links":[{"type":"gs1:pip","href":"ftp://x.example/p"}]}`, "data.links[0].href", "http or https"},
		{"javascript href", `{"partNumber":"P","name":"N","links":[{"type":"gs1:pip","href":"javascript:alert(1)"}]}`, "data.links[0].href", "http or https"},
		{"href without host", `{"partNumber":"P","name":"N","links":[{"type":"gs1:pip","href":"https:///p"}]}`, "data.links[0].href", "host"},
		{"href with user", `{"partNumber":"P","name":"N","links":[{"type":"gs1:pip","href":"https://u:pw@x.example/"}]}`, "data.links[0].href", "user"},
		{"href with space", `{"partNumber":"P","name":"N","links":[{"type":"gs1:pip","href":"https://x.example/a b"}]}`, "data.links[0].href", "not a valid URL"},
		{"duplicate link", `{"partNumber":"P","name":"N","links":[{"type":"gs1:pip","href":"https://x.example"},{"type":"gs1:pip","href":"https://x.example"}]}`, "data.links[1]", "twice"},
		{"control character in description", `{"partNumber":"P","name":"N","description":"a\u0007b"}`, "data.description", "control"},
		{"description too long", `{"partNumber":"P","name":"N","description":"` + strings.Repeat("x", MaxDescriptionLen+1) + `"}`, "data.description", "longer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEvent([]byte(ev(tt.data)))
			e := AsError(err)
			if e == nil || e.Code != CodeInvalid || e.Field != tt.field || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("DecodeEvent(%s) = %v, want INVALID %s saying %q", tt.data, err, tt.field, tt.msg)
			}
		})
	}
}

func TestProductDefinedNormalized(t *testing.T) {
	ev, err := DecodeEvent([]byte(`{"id":"p1","type":"product.defined","time":"2026-03-02T08:00:00Z","data":{"partNumber":"P","name":"N","gtin":"4006381333931","description":"line 1\n\tline 2","links":[{"type":"gs1:warranty","href":"https://x.example/w?sn=1#top","title":"Warranty"}]}}`))
	if err != nil {
		t.Fatalf("DecodeEvent error: %v", err)
	}
	want := `{"partNumber":"P","gtin":"04006381333931","name":"N","description":"line 1\n\tline 2","links":[{"type":"gs1:warranty","href":"https://x.example/w?sn=1#top","title":"Warranty"}]}`
	if string(ev.Data) != want {
		t.Errorf("DecodeEvent data = %s, want %s", ev.Data, want)
	}
}
