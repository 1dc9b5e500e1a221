package tracegraph

import "testing"

func TestCursorRoundTrip(t *testing.T) {
	for _, id := range []ID{"Unit:SN1", "Unit:ä ö/+=", "MaterialLot:L-1:2"} {
		got, err := Page{After: CursorOf(id)}.AfterID()
		if err != nil || got != id {
			t.Errorf("AfterID(CursorOf(%q)) = %q, %v; want the ID", id, got, err)
		}
	}
	for _, c := range []string{"u12", "i", "i!!", "n1.2"} {
		if _, err := (Page{After: c}).AfterID(); ErrorCode(err) != CodeInvalid {
			t.Errorf("AfterID(%q) error = %v, want INVALID", c, err)
		}
	}
}

func TestTestQueryMatch(t *testing.T) {
	run := func(low, high *float64, v float64, result string) *Node {
		m := map[string]any{"name": "V", "value": v}
		if low != nil {
			m["low"] = *low
		}
		if high != nil {
			m["high"] = *high
		}
		if result != "" {
			m["result"] = result
		}
		return &Node{ID: "TestRun:t", Label: LabelTestRun, Props: map[string]any{"testType": "FCT", "measurements": []any{m}}}
	}
	f := func(x float64) *float64 { return &x }
	tests := []struct {
		name      string
		low, high *float64
		v         float64
		result    string
		pct       float64
		failed    bool
		want      bool
	}{
		{"near low", f(1), f(2), 1.05, "", 10, false, true},
		{"near high", f(1), f(2), 1.95, "", 10, false, true},
		{"in the middle", f(1), f(2), 1.5, "", 10, false, false},
		{"on the limit", f(1), f(2), 2, "", 10, false, true},
		{"beyond is not near", f(1), f(2), 2.01, "", 10, false, false},
		{"beyond fails", f(1), f(2), 2.01, "", 0, true, true},
		{"below fails", f(1), f(2), 0.99, "", 0, true, true},
		{"result fail", f(1), f(2), 1.5, "fail", 0, true, true},
		{"inside passes", f(1), f(2), 1.5, "", 0, true, false},
		{"negative limits", f(-5), f(-3), -3.1, "", 10, false, true},
		{"low only", f(-10), nil, -9.5, "", 10, false, true},
		{"high only", nil, f(100), 89, "", 10, false, false},
		{"no limits", nil, nil, 0, "", 50, false, false},
	}
	for _, tt := range tests {
		q := TestQuery{TestType: "FCT", Measurement: "V", WithinPercent: tt.pct, Failed: tt.failed}
		if err := q.Validate(); err != nil {
			t.Fatalf("%s: Validate: %v", tt.name, err)
		}
		if got := q.Match(run(tt.low, tt.high, tt.v, tt.result)); got != tt.want {
			t.Errorf("%s: Match(value %g) = %v, want %v", tt.name, tt.v, got, tt.want)
		}
	}
}

func TestMaterialFilterDateCodes(t *testing.T) {
	f := MaterialFilter{DateCodeFrom: "2450", DateCodeTo: "2505"}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]bool{"2450": true, "2452": true, "2501": true, "2505": true, "2506": false,
		"2449": false, "": false, "25W1": false, "24501": false} {
		if got := f.MatchDateCode(code); got != want {
			t.Errorf("MatchDateCode(%q) = %v, want %v", code, got, want)
		}
	}
	if open := (MaterialFilter{Supplier: "X"}); !open.MatchDateCode("") {
		t.Errorf("a filter without dates rejects a missing date code")
	}
}
