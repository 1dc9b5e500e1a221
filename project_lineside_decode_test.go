package tracegraph

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// lineSideSamples are line-side property texts as jsonText writes them
// (every field of each kind, zero and set), and by other writers (space,
// other zones, fields in another case or unknown).
func lineSideSamples() map[string][]string {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC)
	t1 := t0.Add(90 * time.Minute)
	feeders := map[string]*feeder{
		"F01": {Reels: []reel{{Lot: "MaterialLot:PJ000001", Load: "e-load-1", From: t0, To: t1, ClosedBy: "e-splice-2", Spliced: false},
			{Lot: "MaterialLot:PJ000002", Load: "e-splice-2", From: t1, Spliced: true}}},
		"F02": {Reels: []reel{}, Since: t0},
	}
	return map[string][]string{
		propSetups: {jsonText(map[string]string{"SMT1-700-GW100": "e-def-1", "S2": "e-def-2"}), `{}`, `{"a":""}`, ` { "a" : "b" } `,
			`{"a":"<&>"}`, jsonText(map[string]string{"a": "<&>"})},
		propActivations: {jsonText([]activation{{Setup: "SMT1-700-GW100", Def: "e-def-1", From: t0, Event: "e-act-1"}, {Setup: "S2", Def: "e-def-2", From: t1, Event: "e-act-2"}}),
			`[]`, `[{}]`, `[{"setup":"S","from":"2026-03-02T10:00:00+02:00"}]`, `[{"Setup":"S","extra":1}]`, `[{"from":"2026-13-02T10:00:00Z"}]`,
			`[{"from":"0001-01-01T00:00:00Z"}]`, `null`},
		propFeeders: {jsonText(feeders), `{}`, `{"F":{"reels":null}}`, jsonText(map[string]*feeder{"F": {}}), `{"F":null}`, `{"F":{}}`, `{"F":{"reels":[{"spliced":true,"to":"2026-03-02T09:00:00Z"}],"since":"2026-03-02T08:00:00.5-07:00"}}`},
	}
}

// slowDecodeLineSide is decodeLineSide with json.Unmarshal alone
// (fromProp), as before the direct decoders.
func slowDecodeLineSide(n *Node) (*lineSide, error) {
	ls := &lineSide{node: n, setups: map[string]string{}, feeders: map[string]*feeder{}}
	for _, kv := range []struct {
		k string
		v any
	}{{propSetups, &ls.setups}, {propActivations, &ls.activations}, {propFeeders, &ls.feeders}} {
		if err := fromProp(n, kv.k, kv.v); err != nil {
			return nil, err
		}
	}
	ls.actSince = n.Time(propActivationsSince)
	return ls, nil
}

// checkLineSideAgrees fails t unless decodeLineSide answers for a station
// whose property k is text exactly as json.Unmarshal alone does (the same
// state, or the same error), and unless what the direct decoder of k takes
// json.Unmarshal takes and decodes alike.
func checkLineSideAgrees(t testing.TB, k, text string) {
	t.Helper()
	n := &Node{ID: "Station:S", Label: LabelStation, Props: map[string]any{k: text}}
	got, gerr := decodeLineSide(n)
	want, werr := slowDecodeLineSide(n)
	if !reflect.DeepEqual(gerr, werr) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q: decodeLineSide = %+v, %v; json.Unmarshal: %+v, %v", k, text, got, gerr, want, werr)
	}
	var fast, slow any
	var ok bool
	switch k {
	case propSetups:
		fast, ok = fastSetups(text)
		slow = &map[string]string{}
	case propActivations:
		fast, ok = fastActivations(text)
		slow = new([]activation)
	case propFeeders:
		fast, ok = fastFeeders(text)
		slow = &map[string]*feeder{}
	}
	if !ok {
		return
	}
	if err := json.Unmarshal([]byte(text), slow); err != nil {
		t.Fatalf("%s %q: decoded directly, json.Unmarshal refuses it: %v", k, text, err)
	}
	if s := reflect.ValueOf(slow).Elem().Interface(); !reflect.DeepEqual(fast, s) {
		t.Fatalf("%s %q: directly %#v, json.Unmarshal %#v", k, text, fast, s)
	}
}

// TestLineSideTextsDecodeAsJSON: on the samples of each line-side property
// and thousands of variants of each (fastVariants: bytes left out, doubled
// or replaced, keys in other cases or escaped, nulls, other kinds, data
// after the value), decodeLineSide answers as json.Unmarshal alone does.
func TestLineSideTextsDecodeAsJSON(t *testing.T) {
	n, direct := 0, 0
	for k, texts := range lineSideSamples() {
		for _, text := range texts {
			for _, v := range append(fastVariants([]byte(text)), []byte(text)) {
				checkLineSideAgrees(t, k, string(v))
				n++
				var ok bool
				switch k {
				case propSetups:
					_, ok = fastSetups(string(v))
				case propActivations:
					_, ok = fastActivations(string(v))
				case propFeeders:
					_, ok = fastFeeders(string(v))
				}
				if ok {
					direct++
				}
			}
		}
	}
	t.Logf("%d texts, %d of them decoded directly", n, direct)
	if direct < 100 || n-direct < 1000 {
		t.Errorf("%d texts of which %d direct: the variants no longer exercise both paths", n, direct)
	}
}

// FuzzLineSideTexts: for any text of any line-side property,
// decodeLineSide answers as json.Unmarshal alone does.
func FuzzLineSideTexts(f *testing.F) {
	keys := []string{propSetups, propActivations, propFeeders}
	for i, k := range keys {
		for _, text := range lineSideSamples()[k] {
			f.Add(uint8(i), text)
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, text string) {
		checkLineSideAgrees(t, keys[int(k)%len(keys)], text)
	})
}

// checkLineSideEncodes fails t unless the direct writers of the line
// side's texts write jsonText's bytes for ls's state.
func checkLineSideEncodes(t testing.TB, setups map[string]string, acts []activation, feeders map[string]*feeder) {
	t.Helper()
	for _, c := range []struct{ got, want string }{
		{setupsText(setups), jsonText(setups)},
		{activationsText(acts), jsonText(acts)},
		{feedersText(feeders), jsonText(feeders)},
	} {
		if c.got != c.want {
			t.Fatalf("written directly %s, jsonText %s", c.got, c.want)
		}
	}
}

// TestLineSideTextsEncodeAsJSON: the direct writers of the line side's
// texts write jsonText's bytes, on every state the samples and their
// variants decode to and on states with what encoding/json writes in its
// own way (HTML characters, text that is not UTF-8, times in other zones
// or out of its range, nil and empty lists, a nil feeder).
func TestLineSideTextsEncodeAsJSON(t *testing.T) {
	n := 0
	for k, texts := range lineSideSamples() {
		for _, text := range texts {
			for _, v := range append(fastVariants([]byte(text)), []byte(text)) {
				var setups map[string]string
				var acts []activation
				var feeders map[string]*feeder
				var err error
				switch k {
				case propSetups:
					err = json.Unmarshal(v, &setups)
				case propActivations:
					err = json.Unmarshal(v, &acts)
				case propFeeders:
					err = json.Unmarshal(v, &feeders)
				}
				if err == nil {
					checkLineSideEncodes(t, setups, acts, feeders)
					n++
				}
			}
		}
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 5, time.FixedZone("X", -7*3600-30*60))
	for _, s := range []string{"", "a<b", "a&b", `a"b`, "a\x00b", "é", "\xff", "\u2028"} {
		for _, tm := range []time.Time{{}, t0, t0.UTC(), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
			// Only the key not plain, then every string.
			checkLineSideEncodes(t, map[string]string{s: "x"}, nil, map[string]*feeder{s: {Reels: []reel{{Lot: "L", Load: "e", From: t0}}}})
			checkLineSideEncodes(t, map[string]string{s: s, "b": "c"},
				[]activation{{Setup: s, Def: s, From: tm, Event: s}},
				map[string]*feeder{s: {Reels: []reel{{Lot: ID(s), Load: s, From: tm, To: tm, ClosedBy: s, Spliced: true}}, Since: tm}, "n": nil, "e": {Reels: []reel{}}, "z": {}})
			n++
		}
	}
	checkLineSideEncodes(t, nil, nil, nil)
	checkLineSideEncodes(t, map[string]string{}, []activation{}, map[string]*feeder{})
	t.Logf("%d states", n)
}
