package cfx

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// mapped is an event as the golden files show it.
type mapped struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Time     string          `json:"time"`
	Station  string          `json:"station,omitempty"`
	Operator string          `json:"operator,omitempty"`
	Data     json.RawMessage `json:"data"`
}

func show(evs []*tracegraph.Event) []mapped {
	out := make([]mapped, len(evs))
	for i, e := range evs {
		out[i] = mapped{ID: e.ID, Type: string(e.Type), Time: e.Time.Format("2006-01-02T15:04:05.999999999Z07:00"),
			Station: e.Station, Operator: e.Operator, Data: e.Data}
	}
	return out
}

var transactionRE = regexp.MustCompile(`"TransactionI[dD]":\s*"([^"]+)"`)

// TestMapSDKExamples maps every example message of the CFX SDK that is
// valid JSON (panel positions on: the examples name panels and carriers)
// and compares the events with the golden files. A message that names only
// its work transaction is mapped after the SDK's WorkStarted example of
// that transaction is applied, for the units CARRIER5566.1 and .2.
func TestMapSDKExamples(t *testing.T) {
	files, err := os.ReadDir("testdata/sdk")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".json") || name == "MaterialsInstalled.json" || name == "UnitsProcessed-7.json" {
			continue // the two that are not JSON: TestMapRejects
		}
		t.Run(name, func(t *testing.T) {
			st := openStore(t)
			mustApply(t, st, unitCreated("CARRIER5566.1"), unitCreated("CARRIER5566.2"))
			in := NewIngester(st, Options{PanelPositions: true})
			body := sdkBody(t, name)
			if m := transactionRE.FindStringSubmatch(body); m != nil && !strings.HasPrefix(name, "WorkStarted") {
				ws := sdkBody(t, "WorkStarted-2.json", "2c24590d-39c5-4039-96a5-91900cecedfa", m[1])
				r, err := in.IngestRaw(ctx, envelope("CFX.Production.WorkStarted", "ws-"+name, ws, -1))
				if err != nil || r.Status != StatusAccepted {
					t.Fatalf("WorkStarted of transaction %s: %+v, %v", m[1], r, err)
				}
			}
			env, err := DecodeEnvelope(envelope(messageOf(t, name), "sdk-"+strings.TrimSuffix(name, ".json"), body, 0))
			if err != nil {
				t.Fatal(err)
			}
			mp, err := in.Mapper.Map(ctx, env)
			if err != nil {
				t.Fatalf("Map(%s) = %v", name, err)
			}
			if want := Used(env.MessageName); mp.Used != want {
				t.Errorf("Map(%s).Used = %v, want %v", name, mp.Used, want)
			}
			golden(t, name, show(mp.Events))
		})
	}
}

// TestMapUnits: without panel positions the UnitIdentifier is the serial;
// with them, the unit at a position is <UnitIdentifier>.<position>, and a
// unit named without a position (or at 0) is the identifier itself.
func TestMapUnits(t *testing.T) {
	one, zero := 1, 0
	tests := []struct {
		panels bool
		ref    unitRef
		want   string
	}{
		{false, unitRef{UnitIdentifier: "PANEL1", UnitPositionNumber: &one}, "Unit:PANEL1"},
		{false, unitRef{UnitIdentifier: " SN1 "}, "Unit:SN1"},
		{true, unitRef{UnitIdentifier: "PANEL1", UnitPositionNumber: &one}, "Unit:PANEL1.1"},
		{true, unitRef{UnitIdentifier: "CARRIER5566", PositionNumber: &one}, "Unit:CARRIER5566.1"},
		{true, unitRef{UnitIdentifier: "SN1", UnitPositionNumber: &zero}, "Unit:SN1"},
		{true, unitRef{UnitIdentifier: "SN1"}, "Unit:SN1"},
	}
	for _, tt := range tests {
		m := &Mapper{Options: Options{PanelPositions: tt.panels}}
		got, err := m.unit("u", tt.ref)
		if err != nil || got != tt.want {
			t.Errorf("unit(panels=%v, %+v) = %q, %v; want %q", tt.panels, tt.ref, got, err, tt.want)
		}
	}
}

// TestMapIDs: the ids come from the message's name and unique id, so that
// the same message maps onto the same ids, and another message (another
// unique id) onto others.
func TestMapIDs(t *testing.T) {
	st := openStore(t)
	m := &Mapper{Store: st, Options: Options{PanelPositions: true}}
	ids := func(uid string) []string {
		env, err := DecodeEnvelope(envelope("CFX.Production.Assembly.UnitsPersonalized", uid, sdkBody(t, "UnitsPersonalized.json"), 0))
		if err != nil {
			t.Fatal(err)
		}
		mp, err := m.Map(context.Background(), env)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range mp.Events {
			out = append(out, e.ID)
		}
		return out
	}
	a, again, b := ids("u-1"), ids("u-1"), ids("u-2")
	if len(a) != 2 || !slices.Equal(a, again) {
		t.Errorf("ids of the same message: %v then %v, want the same two", a, again)
	}
	for _, id := range b {
		if slices.Contains(a, id) {
			t.Errorf("id %s of message u-2 is one of message u-1's %v", id, a)
		}
	}
	if a[0] != "cfx:UnitsPersonalized:u-1:0.0" {
		t.Errorf("first id = %q, want cfx:UnitsPersonalized:u-1:0.0", a[0])
	}
}

// TestMapRejects: messages that cannot be mapped say why, with the code
// and the field.
func TestMapRejects(t *testing.T) {
	const ws = "CFX.Production.WorkStarted"
	tests := []struct {
		name  string
		raw   string
		code  tracegraph.Code
		field string
	}{
		{"not JSON (the SDK's own MaterialsInstalled example)", string(envelope("CFX.Production.Assembly.MaterialsInstalled", "x", sdkBody(t, "MaterialsInstalled.json"), 0)), tracegraph.CodeInvalid, ""},
		{"not JSON (the SDK's own UnitsProcessed example 7)", string(envelope("CFX.Production.Processing.UnitsProcessed", "x", sdkBody(t, "UnitsProcessed-7.json"), 0)), tracegraph.CodeInvalid, ""},
		{"no UniqueID", `{"MessageName":"CFX.Production.WorkStarted","TimeStamp":"2018-10-03T16:03:05-04:00","MessageBody":{}}`, tracegraph.CodeInvalid, "UniqueID"},
		{"no time zone", `{"MessageName":"CFX.Production.WorkStarted","UniqueID":"a","TimeStamp":"2018-10-03T16:03:05","MessageBody":{}}`, tracegraph.CodeInvalid, "TimeStamp"},
		{"no MessageName", `{"UniqueID":"a","TimeStamp":"2018-10-03T16:03:05Z"}`, tracegraph.CodeInvalid, "MessageName"},
		{"no body", `{"MessageName":"CFX.Production.WorkStarted","UniqueID":"a","TimeStamp":"2018-10-03T16:03:05Z"}`, tracegraph.CodeInvalid, "MessageBody"},
		{"body of the wrong shape", string(envelope(ws, "a", `{"Units":"CARRIER5566"}`, 0)), tracegraph.CodeInvalid, "MessageBody"},
		{"no units", string(envelope(ws, "a", `{"TransactionID":"t1","Units":[]}`, 0)), tracegraph.CodeInvalid, "Units"},
		{"a unit without identifier", string(envelope(ws, "a", `{"TransactionID":"t1","Units":[{"PositionNumber":1}]}`, 0)), tracegraph.CodeInvalid, "Units[0].UnitIdentifier"},
		{"an unknown transaction", string(envelope("CFX.Production.Processing.UnitsProcessed", "a", `{"TransactionId":"nope","OverallResult":"Succeeded"}`, 0)), tracegraph.CodeNotFound, "TransactionId"},
		{"an unknown package without part number", string(envelope("CFX.Production.Assembly.MaterialsInstalled", "a",
			`{"InstalledMaterials":[{"UnitIdentifier":"SN1","Material":{"UniqueIdentifier":"REEL9"}}]}`, 0)), tracegraph.CodeNotFound, "InstalledMaterials[0].Material.UniqueIdentifier"},
		{"a feeder message without Source", strings.Replace(string(envelope("CFX.Materials.Storage.MaterialsLoaded", "a", sdkBody(t, "MaterialsLoaded.json"), 0)), `"Source":"`+testStation+`"`, `"Source":null`, 1),
			tracegraph.CodeInvalid, "Source"},
		{"a characteristic without name", string(envelope("CFX.Production.Assembly.UnitsPersonalized", "a",
			`{"PersonalizedUnits":[{"UnitIdentifier":"SN1","Characteristics":[{"Name":" ","Value":"1"}]}]}`, 0)), tracegraph.CodeInvalid, "PersonalizedUnits[0].Characteristics[0].Name"},
	}
	st := openStore(t)
	m := &Mapper{Store: st}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			raws, err := Split([]byte(tt.raw))
			if err == nil {
				var env Envelope
				if env, err = DecodeEnvelope(raws[0]); err == nil {
					_, err = m.Map(context.Background(), env)
				}
			}
			de := tracegraph.AsError(err)
			if err == nil || de.Code != tt.code || de.Field != tt.field {
				t.Errorf("mapping %s = %v (code %s, field %q), want code %s, field %q", tt.name, err, de.Code, de.Field, tt.code, tt.field)
			}
		})
	}
}

// TestSplit: a body is one envelope or an array of them.
func TestSplit(t *testing.T) {
	one := envelope("CFX.Production.WorkStarted", "a", `{}`, 0)
	tests := []struct {
		body string
		n    int
		code tracegraph.Code
	}{
		{string(one), 1, ""},
		{"[" + string(one) + "," + string(one) + "]", 2, ""},
		{"  \n", 0, tracegraph.CodeInvalid},
		{"[1,", 0, tracegraph.CodeInvalid},
		{"[" + strings.Repeat("{},", MaxEnvelopes) + "{}]", 0, tracegraph.CodeLimit},
	}
	for _, tt := range tests {
		raws, err := Split([]byte(tt.body))
		if len(raws) != tt.n || tracegraph.ErrorCode(err) != tt.code {
			t.Errorf("Split(%.40q) = %d envelopes, %v; want %d, code %q", tt.body, len(raws), err, tt.n, tt.code)
		}
	}
}
