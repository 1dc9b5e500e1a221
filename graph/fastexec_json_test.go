package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// gqlgenBytes is what marshaller m writes, as the response holds it
// (rewritten as json.Marshal rewrites a json.RawMessage).
func gqlgenBytes(m graphql.Marshaler) []byte {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return tracegraph.AppendMarshaledJSON(nil, b.Bytes())
}

// FuzzFastEncoders: the fast executor's encoders append exactly what
// gqlgen's marshallers of the same scalars write (strings and IDs, floats,
// date-times, enums, JSON), as the response holds it. Run as a test over the seeds; `go test -fuzz
// FastEncoders ./graph/` explores further.
func FuzzFastEncoders(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tcr\rnl\n", "\x00\x01\x1f\x7f", "<&>\u2028\u2029",
		"é ü 漢字 🙂", "CONFIRMED", "A_1z", "\xff\xfe invalid \xc3", "\xe2\x80", "a\u2028b\u2029", "\u2028", "x\xe2\x80\xa8", "\xe2\x80\xe2\x80\xa9"} {
		f.Add(s, 0.0, int64(0))
	}
	for _, v := range []float64{1, -1, 0.1, 1.5e-7, 1e20, 1e21, 123456789, 3.31, 0.042, math.MaxFloat64, math.SmallestNonzeroFloat64, -0.0, 2e-5, 1e6, 999999} {
		f.Add("x", v, int64(v))
	}
	f.Add("x", 0.0, int64(1_772_350_800_123_456_789))
	f.Add("x", 0.0, int64(-62135596800_000_000_0))
	f.Fuzz(func(t *testing.T, s string, v float64, nanos int64) {
		if got, want := appendQuoted([]byte("prefix"), s), append([]byte("prefix"), gqlgenBytes(graphql.MarshalString(s))...); !bytes.Equal(got, want) {
			t.Errorf("string %q: %s, gqlgen %s", s, got, want)
		}
		if got, _ := appendEnum(nil, nil, model.Precision(s)); !bytes.Equal(got, gqlgenBytes(model.Precision(s))) {
			t.Errorf("enum %q: %s, gqlgen %s", s, got, gqlgenBytes(model.Precision(s)))
		}
		for _, v := range []any{s, map[string]any{s: []any{s, v}}, json.RawMessage(" [ \"<" + strconv.Quote(s) + "\" ] ")} {
			if _, err := json.Marshal(v); err != nil {
				continue // not a JSON value (a raw message holding invalid text)
			}
			x := &fastExec{}
			if err := x.jsonO(v); err != nil || !bytes.Equal(x.b, gqlgenBytes(model.MarshalJSON(v))) {
				t.Errorf("JSON %v: %s %v, gqlgen %s", v, x.b, err, gqlgenBytes(model.MarshalJSON(v)))
			}
		}
		var want bytes.Buffer
		err := graphql.MarshalFloatContext(v).MarshalGQLContext(context.Background(), &want)
		got, ok := appendFloat(nil, v)
		if ok != (err == nil) || ok && !bytes.Equal(got, tracegraph.AppendMarshaledJSON(nil, want.Bytes())) {
			t.Errorf("float %v: %s %v, gqlgen %s %v", v, got, ok, want.Bytes(), err)
		}
		tm := time.Unix(0, nanos).In(time.FixedZone("X", 5400))
		if got, want := appendDateTime(nil, tm), gqlgenBytes(model.MarshalDateTime(tm)); !bytes.Equal(got, want) {
			t.Errorf("time %v: %s, gqlgen %s", tm, got, want)
		}
	})
}

// TestFastFloatsNotFinite: NaN and the infinities are refused, as gqlgen
// refuses them (with an error the fast executor leaves to gqlgen).
func TestFastFloatsNotFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, ok := appendFloat(nil, v); ok {
			t.Errorf("%v accepted", v)
		}
	}
}
