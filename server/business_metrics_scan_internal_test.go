package server

import (
	"context"
	"errors"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// payloadTest is a test event's type and result as Payload gives them (the
// reference for testOf and scanTest).
func payloadTest(data []byte) (pendingTest, error) {
	ev := &tracegraph.Event{ID: "t", Type: tracegraph.EventTestRecorded, Data: data}
	p, err := ev.Payload()
	if err != nil {
		return pendingTest{}, err
	}
	d := p.(*tracegraph.TestRecorded)
	return pendingTest{id: "t", testType: d.TestType, result: d.Result}, nil
}

// checkScanTest fails t when testOf and Payload disagree on data, or when
// scanTest answers for data whose testType or result Payload refuses.
// (scanTest may answer for data Payload refuses for its other fields or
// its JSON: no such data is in the log.)
func checkScanTest(t *testing.T, data []byte) {
	t.Helper()
	want, err := payloadTest(data)
	got, ok := testOf("t", data)
	if err == nil && (!ok || got != want) {
		t.Errorf("testOf(%s) = %+v %v, Payload gives %+v", data, got, ok, want)
	}
	if _, _, scanned := scanTest(data); scanned && err != nil {
		var e *tracegraph.Error
		if !errors.As(err, &e) || e.Field == "data.testType" || e.Field == "data.result" {
			t.Errorf("scanTest answers for %s, which Payload refuses: %v", data, err)
		}
	}
}

// TestScanTestAsPayload checks scanTest against Payload over every test
// event of a generated factory (each must be read by the scan) and odd
// data: escapes, unicode, missing and repeated fields, other casings,
// nested look-alikes, results Payload normalizes or refuses, bad JSON.
func TestScanTestAsPayload(t *testing.T) {
	n := 0
	_, err := factory.Generate(context.Background(), factory.Config{Units: followFactoryUnits, Seed: 1}, func(ev *tracegraph.Event) error {
		if ev.Type != tracegraph.EventTestRecorded {
			return nil
		}
		n++
		checkScanTest(t, ev.Data)
		if _, _, ok := scanTest(ev.Data); !ok {
			t.Errorf("scanTest does not read the factory's %s", ev.Data)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("factory: %v, %d test events", err, n)
	}
	for _, data := range []string{
		`{"unit":"U1","testType":"fct","result":"pass"}`,
		` { "unit" : "U1" , "testType" : "FCT" , "result" : "PASS" } `,
		"{\n\t\"unit\":\"U1\",\r\n\"result\":\"Fail\",\"testType\":\"ict\"}",
		`{"unit":"U1","testType":"F\u0043T","result":"pass"}`,
		`{"unit":"U1","testType":"FCT","result":"p\u0061ss"}`,
		`{"unit":"U1","testType":"F\"CT","result":"pass"}`,
		`{"unit":"U1","testType":"F\\CT","result":"pass"}`,
		`{"unit":"U1","testType":"Prüfung","result":"pass"}`,
		`{"unit":"U1","testType":"ſpi","result":"pass"}`,
		`{"unit":"U1","testType":"\u00e9","result":"pass"}`,
		`{"unit":"U1","testType":" FCT","result":"pass"}`,
		`{"unit":"U1","testType":"FCT ","result":"pass"}`,
		`{"unit":"U1","testType":"F CT","result":"pass"}`,
		`{"unit":"U1","testType":"","result":"pass"}`,
		`{"unit":"U1","testType":"FCT","result":""}`,
		`{"unit":"U1","result":"pass"}`,
		`{"unit":"U1","testType":"FCT"}`,
		`{"unit":"U1","TestType":"FCT","result":"pass"}`,
		`{"unit":"U1","testtype":"FCT","result":"pass"}`,
		`{"unit":"U1","testType":"FCT","Result":"pass"}`,
		`{"unit":"U1","testType":"FCT","RESULT":"fail"}`,
		`{"unit":"U1","test\u0054ype":"FCT","result":"pass"}`,
		`{"unit":"U1","testType":"FCT","testType":"ICT","result":"pass"}`,
		`{"unit":"U1","testType":"FCT","result":"pass","result":"fail"}`,
		`{"unit":"U1","testType":"FCT","result":"ok"}`,
		`{"unit":"U1","testType":"FCT","result":"NG"}`,
		`{"unit":"U1","testType":"FCT","result":"Passed"}`,
		`{"unit":"U1","testType":"FCT","result":"FAILED"}`,
		`{"unit":"U1","testType":"FCT","result":"maybe"}`,
		`{"unit":"U1","testType":"FCT","result":true}`,
		`{"unit":"U1","testType":7,"result":"pass"}`,
		`{"unit":"U1","testType":null,"result":"pass"}`,
		`{"unit":"U1","testType":"FCT","result":"pass","measurements":[{"name":"testType","value":1,"result":"fail"}]}`,
		`{"unit":"U1","measurements":[{"name":"v","value":-1.5e3,"low":0,"high":2}],"testType":"FCT","result":"pass","firmware":{"version":"1.2"}}`,
		`{"unit":"U1","program":"a\"}],{[","testType":"FCT","result":"pass"}`,
		`{"unit":"U1","testType":"FCT","result":"pass","measurements":[{"name":"v","value":1}}`,
		`{"unit":"U1","testType":"FCT","result":"pass","measurements":[{"name":"v","value":1]]}`,
		`{"unit":"U1","testType":"FCT","result":"pass"}x`,
		`{"unit":"U1","testType":"FCT","result":"pass"`,
		`{"unit":"U1","testType":"FCT","result":"pass",}`,
		`{"unit":"U1" "testType":"FCT","result":"pass"}`,
		`{"unit":"U1","testType":"FCT","result":"pass","extra":1}`,
		`{"unit":"U1","testType":"FCT","result":"pass","program":nul}`,
		`{"unit":"","testType":"FCT","result":"pass"}`,
		`{"testType":"FCT","result":"pass"}`,
		`["testType","FCT"]`,
		`"testType"`,
		`null`,
		`{}`,
		``,
	} {
		checkScanTest(t, []byte(data))
	}
}

// FuzzScanTest checks scanTest against Payload on any data.
func FuzzScanTest(f *testing.F) {
	for _, s := range []string{
		`{"unit":"U1","testType":"fct","result":"pass"}`,
		`{"unit":"U1","testType":"F\u0043T","result":"ok","measurements":[{"name":"v","value":1}]}`,
		`{"unit":"U1","TestType":"FCT","result":"NG"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkScanTest(t, data) })
}
