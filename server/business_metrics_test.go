package server_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/server"
)

// startBusiness starts a server with the scenario and a few more events: a
// retest, a scrap, a hold and a refusal; it returns the server once the
// metrics have followed the log to its head.
func startBusiness(t *testing.T) *testServer {
	t.Helper()
	ts := startScenario(t, func(c *server.Config) { c.MetricsRefresh = 10 * time.Millisecond })
	more := `{"id":"m0","type":"unit.created","time":"2026-03-01T07:39:00Z","data":{"serial":"X-1","partNumber":"700-A"}}
{"id":"m00","type":"unit.created","time":"2026-03-01T07:39:00Z","data":{"serial":"X-2","partNumber":"700-A"}}
{"id":"m1","type":"test.recorded","time":"2026-03-01T07:40:00Z","data":{"unit":"PCBA-0002","testType":"FCT","result":"pass"}}
{"id":"m2","type":"unit.scrapped","time":"2026-03-01T07:41:00Z","data":{"unit":"X-1","reason":"cracked"}}
{"id":"m3","type":"hold.placed","time":"2026-03-01T07:42:00Z","data":{"target":"Unit:X-2","reason":"FCT retest review"}}
{"id":"m4","type":"test.recorded","time":"2026-03-01T07:43:00Z","data":{"unit":"NO-SUCH-UNIT","testType":"FCT","result":"pass"}}
`
	if status, resp := ts.postEvents(t, []byte(more), "application/x-ndjson", "", ""); status != http.StatusUnprocessableEntity || resp.Accepted != 5 || resp.Rejected != 1 {
		t.Fatalf("more events: %d %+v, want 5 accepted and 1 rejected", status, resp)
	}
	for _, want := range []string{`tracegraph_units{status="SCRAPPED"} 1`, `tracegraph_units_on_hold 1`, `tracegraph_log_head_seq 39`} {
		waitForMetric(t, ts, want)
	}
	return ts
}

// waitForMetric scrapes /metrics until it has the line want.
func waitForMetric(t *testing.T, ts *testServer, want string) string {
	t.Helper()
	var body []byte
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, _, body = ts.do(t, http.MethodGet, "/metrics", "", "", nil)
		if strings.Contains(string(body)+"\n", want+"\n") {
			return string(body)
		}
	}
	t.Fatalf("/metrics never had %q:\n%s", want, grepLines(string(body), "tracegraph_"))
	return ""
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestBusinessMetrics: what the production and quality metrics say after the
// scenario (6 units, ICT and FCT tests, packed and shipped) and a retest, a
// scrap, a hold and a refusal.
func TestBusinessMetrics(t *testing.T) {
	ts := startBusiness(t)
	body := waitForMetric(t, ts, `tracegraph_log_head_seq 39`)
	for _, want := range []string{
		`tracegraph_events_by_type_total{outcome="accepted",type="unit.created"} 8`,
		`tracegraph_events_by_type_total{outcome="rejected",type="test.recorded"} 1`,
		`tracegraph_events_refused_total{code="NOT_FOUND",type="test.recorded"} 1`,
		`tracegraph_log_events_total{type="test.recorded"} 4`,
		`tracegraph_units_created_total 8`,
		`tracegraph_tests_total{attempt="first",result="PASS",test_type="ICT"} 1`,
		`tracegraph_tests_total{attempt="first",result="PASS",test_type="FCT"} 1`,
		`tracegraph_tests_total{attempt="first",result="FAIL",test_type="FCT"} 1`,
		`tracegraph_units_scrapped_total 1`,
		`tracegraph_tests_total{attempt="retest",result="PASS",test_type="FCT"} 1`,
		`tracegraph_hold_events_total{change="placed"} 1`,
		`tracegraph_units_on_hold 1`,
		`tracegraph_units{status="SHIPPED"} 4`,
		`tracegraph_units{status="SCRAPPED"} 1`,
		`tracegraph_ingest_lag_seconds_count 39`,
		`tracegraph_build_info{goversion="`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s; it has:\n%s", want, grepLines(body, strings.FieldsFunc(want, func(r rune) bool { return r == '{' || r == ' ' })[0]))
		}
	}
}

// metricName finds the metric names in a PromQL expression: tracegraph's
// own and the Go and process collectors'.
var metricName = regexp.MustCompile(`\b(?:tracegraph|go|process)_[a-zA-Z0-9_]+`)

// TestDashboardMetricsExist: every metric the Grafana dashboards in
// deploy/grafana query exists on a running service after some ingest, so a
// renamed metric cannot leave a panel empty.
func TestDashboardMetricsExist(t *testing.T) {
	ts := startBusiness(t)
	body := waitForMetric(t, ts, `tracegraph_log_head_seq 39`)
	exposed := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		exposed[strings.FieldsFunc(line, func(r rune) bool { return r == '{' || r == ' ' })[0]] = true
	}
	files, _ := filepath.Glob(filepath.Join("..", "deploy", "grafana", "*.json"))
	if len(files) == 0 {
		t.Fatal("no dashboards in deploy/grafana")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var dash struct {
			Panels []struct {
				Title   string `json:"title"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(b, &dash); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		queried := 0
		for _, p := range dash.Panels {
			for _, tg := range p.Targets {
				names := metricName.FindAllString(tg.Expr, -1)
				if len(names) == 0 {
					t.Errorf("%s: panel %q queries no tracegraph metric: %s", f, p.Title, tg.Expr)
				}
				for _, n := range names {
					queried++
					if !exposed[n] {
						t.Errorf("%s: panel %q queries %s, which /metrics does not expose", f, p.Title, n)
					}
				}
			}
		}
		if queried < 10 {
			t.Errorf("%s: only %d metric references found; is the dashboard empty?", f, queried)
		}
	}
}
