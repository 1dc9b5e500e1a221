package tracegraph

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/internal/fuzzcorpus"
)

// fastTypes are the event types fastPayload decodes.
var fastTypes = []EventType{EventMaterialConsumed, EventProcessRecorded, EventTestRecorded,
	EventUnitCreated, EventUnitAssembled, EventUnitPlaced, EventSetupDefined, EventLotReceived,
	EventFeederLoaded, EventFeederSpliced, EventFeederUnloaded, EventSplicePassed, EventIdentifierAssigned}

// fastSamples are data of the fast types as the reference factory and
// clients write them, with every field of each type.
var fastSamples = map[EventType][]string{
	EventMaterialConsumed: {
		`{"unit":"Unit:BGW0000001","lot":"MaterialLot:PJ000001","quantity":1.2,"precision":"EXACT"}`,
		`{"unit":"U1","component":"C1","refDes":["R1","R2"],"quantity":1,"precision":"CANDIDATE"}`,
		`{"unit":"U1","lot":"L1","refDes":[],"quantity":-0.5e-3,"precision":""}`,
		`{"unit":"U1","lot":"L1","precision":"bogus"}`,
	},
	EventProcessRecorded: {
		`{"units":["Unit:BGW0000001"],"step":"print","recipe":"PRN-700-GW100","parameters":{"printSpeedMmS":40,"separationSpeedMmS":1.5,"squeegeePressureKg":6.7,"stencil":"STN-700-GW100-A"},"result":"pass"}`,
		`{"units":["U1","U2"],"step":"reflow","parameters":{"peak":245,"profile":"A","ok":true,"off":false}}`,
		`{"units":[],"step":"","parameters":{},"result":"FAIL"}`,
	},
	EventTestRecorded: {
		`{"unit":"Unit:BGW0000001","testType":"SPI","result":"pass","program":"SPI-700-GW100"}`,
		`{"unit":"U1","testType":"fct","result":"PASS","fixture":"F1","measurements":[{"name":"v","value":3.3,"unit":"V","low":3,"high":3.6,"result":"pass"},{"name":"i","value":0}],"firmware":{"version":"1.2","checksum":"ab"}}`,
		`{"unit":"U1","testType":"ict","result":"fail","measurements":[],"firmware":{}}`,
	},
	EventUnitCreated: {
		`{"serial":"BGW0000001","partNumber":"700-GW100","revision":"R2A","workOrder":"WO2600001","kind":"pcba","origin":"made"}`,
		`{"serial":"SN1","partNumber":"P1","identifiers":{"imei":"356938035643809","MAC":"00:1a:2b:3c:4d:5e"},"origin":"purchased"}`,
		`{"serial":"Ünïcødé","partNumber":"P 1","identifiers":{}}`,
	},
	EventUnitAssembled: {
		`{"parent":"Unit:STH0000001","child":"Unit:BTH0000001","position":"MAIN"}`,
		`{"parent":"U1","child":"U1"}`,
	},
	EventUnitPlaced: {
		`{"unit":"Unit:BGW0000001","station":"SMT1-PNP"}`,
		`{"unit":"U1","station":" S "}`,
	},
	EventLotReceived: {
		`{"lot":"CT000001","partNumber":"510-00001","mpn":"1B31","manufacturer":"HumiSeal","supplier":"CHASE","dateCode":"2549","quantity":5,"countryOfOrigin":"US","expiresAt":"2027-01-05T06:00:00Z"}`,
		`{"lot":"L1","partNumber":"P","msl":"5a","floorLifeHours":1.5,"openedAt":"2026-01-05T06:00:00.5+02:00","derivedFrom":["MaterialLot:L0","L2"],"quantity":-0}`,
		`{"lot":"L1","partNumber":"P","expiresAt":"2026-13-05T06:00:00Z","derivedFrom":[]}`,
		`{"lot":"L1","partNumber":"P","openedAt":"0000-01-01T00:00:00Z","msl":"9"}`,
	},
	EventFeederLoaded: {
		`{"station":"SMT1-PNP","slot":"F000","lot":"MaterialLot:R00000001"}`,
		`{"station":"S","slot":"","lot":"Unit:X"}`,
	},
	EventFeederSpliced:  {`{"station":"SMT1-PNP","slot":"F000","lot":"MaterialLot:R00000002"}`},
	EventFeederUnloaded: {`{"station":"SMT1-PNP","slot":"F000"}`, `{"slot":"F000"}`},
	EventSplicePassed:   {`{"station":"SMT1-PNP","slot":"F000"}`},
	EventIdentifierAssigned: {
		`{"unit":"Unit:SGW0000001","scheme":"IMEI","value":"359204190000013"}`,
		`{"unit":"U1","scheme":"MAC","value":"00:1A:2B:3C:4D:5E"}`,
		`{"unit":"U1","scheme":"imei","value":"12"}`,
	},
	EventSetupDefined: {
		`{"setup":"SMT1-700-GW100","station":"SMT1-PNP","partNumber":"700-GW100","slots":[{"slot":"F01","partNumber":"RES-10K-0402","refDes":["R1","R2","R3"]},{"slot":"F02","partNumber":"CAP-100N-0402","refDes":["C1"],"spliceWindowSeconds":600}],"spliceWindowSeconds":1800}`,
		`{"setup":"S1","station":"ST","partNumber":"P","slots":[{"slot":"1","partNumber":"X","refDes":[],"spliceWindowSeconds":-0}],"spliceWindowSeconds":0}`,
		`{"setup":"S1","station":"ST","partNumber":"P","slots":[],"spliceWindowSeconds":-5}`,
		`{"setup":"S1","station":"ST","partNumber":"P","spliceWindowSeconds":9223372036854775807}`,
		`{"setup":"S1","station":"ST","partNumber":"P","slots":[{"slot":"1","partNumber":"X","refDes":["R1"]},{"slot":"1","partNumber":"Y","refDes":["R1"]}]}`,
	},
}

// slowPayload is Event.Payload without fastPayload: the strict decoder.
func slowPayload(typ EventType, data []byte) (Payload, error) {
	e := &Event{Type: typ, Data: data}
	if len(e.Data) == 0 || string(e.Data) == "null" {
		return e.Payload() // refused before any decoding
	}
	p := NewPayload(typ)
	if err := strictUnmarshal(data, p); err != nil {
		return nil, err.(*Error).withField("data")
	}
	if err := checkJSONTextOf(data, "data", reflect.TypeOf(p)); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err.withField("data")
	}
	return p, nil
}

// checkFastAgrees fails t unless Event.Payload (fast path included)
// answers for data exactly as the strict decoder does, and unless what
// fastPayload takes the strict decoder takes too, decoded alike.
func checkFastAgrees(t testing.TB, typ EventType, data []byte) {
	t.Helper()
	got, gerr := (&Event{Type: typ, Data: data}).Payload()
	want, werr := slowPayload(typ, data)
	if !reflect.DeepEqual(gerr, werr) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q: Payload = %#v, %v; the strict decoder: %#v, %v", typ, data, got, gerr, want, werr)
	}
	fp := fastPayload(typ, data)
	if fp == nil {
		return
	}
	p := NewPayload(typ)
	if err := strictUnmarshal(data, p); err != nil {
		t.Fatalf("%s %q: fastPayload took it, strictUnmarshal refuses it: %v", typ, data, err)
	}
	if err := checkJSONTextOf(data, "data", reflect.TypeOf(p)); err != nil {
		t.Fatalf("%s %q: fastPayload took it, checkJSONTextOf refuses it: %v", typ, data, err)
	}
	if !reflect.DeepEqual(fp, p) {
		t.Fatalf("%s %q: fastPayload = %#v, strictUnmarshal = %#v", typ, data, fp, p)
	}
}

// fuzzCorpusData returns the data of every event of FuzzDecodeEvent's seed
// corpus (the data as sent, whatever its type).
func fuzzCorpusData(t testing.TB) [][]byte {
	events, err := fuzzcorpus.Read("testdata/fuzz/FuzzDecodeEvent")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, b := range events {
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(b, &env) == nil && env.Data != nil {
			out = append(out, env.Data)
		}
	}
	return out
}

// fastVariants returns variants of the JSON text b: each byte left out,
// doubled or replaced by a byte that matters to JSON, and tokens rewritten
// (keys in another case or escaped, given twice, values null or of another
// kind, space between tokens, data after the value).
func fastVariants(b []byte) [][]byte {
	var out [][]byte
	add := func(v []byte) { out = append(out, v) }
	for i := range b {
		add(cat(b[:i], b[i+1:]))
		add(cat(b[:i+1], b[i:]))
		for _, c := range []byte("\"\\{}[],: x0-.eE\x00\xff\tnU") {
			if c != b[i] {
				add(cat(b[:i], []byte{c}, b[i+1:]))
			}
		}
	}
	s := string(b)
	for _, r := range []struct{ from, to string }{
		{`{"`, `{"X`}, {`{"`, `{ "`}, {`":`, `" : `}, {`,"`, ` , "`}, {`}`, ` } `}, {`[`, `[ `},
		{`"unit"`, `"Unit"`}, {`"unit"`, `"UNIT"`}, {`"unit"`, `"\u0075nit"`}, {`"step"`, `"Step"`},
		{`"serial"`, `"SERIAL"`}, {`"value"`, `"Value"`}, {`"name"`, `"na\u006de"`},
		{`:"`, `:null,"x":"`}, {`:"`, `:"\u00e9`}, {`:"`, `:"\ud800`}, {`:"`, `:"\n`}, {`:"`, `:"é`},
		{`:1`, `:1e400`}, {`:1`, `:01`}, {`:1`, `:1.`}, {`:1`, `:"1"`}, {`:1`, `:true`}, {`:1`, `:-1e-2`},
		{`:[`, `:null,"y":[`}, {`:{`, `:{"":1,`}, {`:{`, `:{"a":1,"a":2,`}, {`:{`, `:{"n":null,`},
		{`:{`, `:{"o":{},`}, {`:{`, `:{"l":[1],`}, {`:{`, `:{"t":truex,`},
		{`:true`, `:"true"`}, {`:40`, `:4e1`}, {`:40`, `:40.0`},
	} {
		if strings.Contains(s, r.from) {
			add([]byte(strings.Replace(s, r.from, r.to, 1)))
			add([]byte(strings.ReplaceAll(s, r.from, r.to)))
		}
	}
	if k := bytes.IndexByte(b, ','); k > 0 && b[0] == '{' {
		add(cat(b[:k+1], b[1:])) // the first field twice
	}
	for _, tail := range []string{" ", "\n", "x", "{}", ",", "}", " null"} {
		add(cat(b, []byte(tail)))
	}
	add(cat([]byte(" \t\r\n"), b))
	add([]byte("null"))
	add([]byte("{}"))
	add([]byte("[]"))
	add(nil)
	return out
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestFastPayloadAgrees: on the samples of every fast type, the data of the
// fuzz corpus and tens of thousands of variants of each, Event.Payload
// answers exactly as the strict decoder alone does (the same payload, or
// the same refusal: code, field and message), and what fastPayload takes
// the strict decoder takes and decodes alike.
func TestFastPayloadAgrees(t *testing.T) {
	n, fast := 0, 0
	check := func(typ EventType, b []byte) {
		checkFastAgrees(t, typ, b)
		n++
		if fastPayload(typ, b) != nil {
			fast++
		}
	}
	corpus := fuzzCorpusData(t)
	for _, typ := range fastTypes {
		for _, s := range fastSamples[typ] {
			for _, other := range fastTypes {
				check(other, []byte(s))
			}
			for _, v := range fastVariants([]byte(s)) {
				check(typ, v)
			}
		}
		for _, b := range corpus {
			check(typ, b)
		}
	}
	t.Logf("%d inputs, %d of them decoded by fastPayload", n, fast)
	if fast < 500 || n-fast < 5000 {
		t.Errorf("%d inputs of which %d fast: the variants no longer exercise both paths", n, fast)
	}
}

// FuzzFastPayload: for any data of any fast type, Event.Payload answers as
// the strict decoder does (go test -fuzz FuzzFastPayload explores).
func FuzzFastPayload(f *testing.F) {
	for i, typ := range fastTypes {
		for _, s := range fastSamples[typ] {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		checkFastAgrees(t, fastTypes[int(k)%len(fastTypes)], data)
	})
}
