package report_test

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/report"
)

// TestQueryRoundTrip: the URL parameters a client makes of a query
// (Values) read back (ParseQuery) as the same query, for every kind.
func TestQueryRoundTrip(t *testing.T) {
	for _, raw := range []string{
		"suspect=MaterialLot:L1&suspect=Unit:U1&asOf=2026-03-01T08:00:00%2B01:00&history=true&evidence=false&format=ndjson",
		"supplier=MURATA&dateCodeFrom=2550&dateCodeTo=2602",
		"mpn=STM32&shippedFrom=2026-01-01T00:00:00Z&shippedTo=2026-02-01T00:00:00Z",
		"station=REFLOW-2&parameter=peakC&min=235&max=255.5&from=2026-01-01T00:00:00Z",
		"testType=FCT&measurement=VCC&withinPercent=5&failed=true&firmwareVersion=1.2",
	} {
		v, err := url.ParseQuery(raw)
		if err != nil {
			t.Fatal(err)
		}
		kind := report.Recall
		switch {
		case v.Has("shippedFrom"):
			kind = report.WhereUsed
		case v.Has("station"):
			kind = report.Process
		case v.Has("testType"):
			kind = report.Test
		}
		q, err := report.ParseQuery(kind, v)
		if err != nil {
			t.Fatalf("ParseQuery(%s, %s): %v", kind, raw, err)
		}
		back, err := report.ParseQuery(kind, q.Values())
		if err != nil {
			t.Fatalf("ParseQuery(%s, Values() = %s): %v", kind, q.Values().Encode(), err)
		}
		if !reflect.DeepEqual(q, back) {
			t.Errorf("ParseQuery(%s, %s) = %+v; its Values %s read back as %+v", kind, raw, q, q.Values().Encode(), back)
		}
	}
}

// TestQueryErrors: a bad parameter is refused naming it, whether it came
// from a URL (ParseQuery) or a flag (Set).
func TestQueryErrors(t *testing.T) {
	tests := []struct {
		kind, raw string
		code      tracegraph.Code
		field     string
	}{
		{"nope", "", tracegraph.CodeNotFound, "kind"},
		{report.Recall, "station=X&suspect=Unit:U1", tracegraph.CodeInvalid, "station"},
		{report.Recall, "suspect=Unit:U1&asOf=yesterday", tracegraph.CodeInvalid, "asOf"},
		{report.Recall, "suspect=Unit:U1&format=xml", tracegraph.CodeInvalid, "format"},
		{report.WhereUsed, "mpn=A&mpn=B", tracegraph.CodeInvalid, "mpn"},
		{report.Process, "station=S&min=low", tracegraph.CodeInvalid, "min"},
		{report.Test, "testType=FCT&failed=maybe", tracegraph.CodeInvalid, "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"?"+tt.raw, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.raw)
			_, err := report.ParseQuery(tt.kind, v)
			if e := tracegraph.AsError(err); e.Code != tt.code || e.Field != tt.field {
				t.Errorf("ParseQuery(%s, %s) = %v, want %s on %q", tt.kind, tt.raw, err, tt.code, tt.field)
			}
		})
	}
	q, err := report.New(report.Process)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Set("max", "high"); tracegraph.AsError(err).Field != "max" {
		t.Errorf("Set(max, high) = %v, want INVALID on max", err)
	}
	if err := q.Set("suspect", "Unit:U1"); tracegraph.AsError(err).Field != "suspect" {
		t.Errorf("Set(suspect) on a process report = %v, want INVALID on suspect", err)
	}
}
