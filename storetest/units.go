package storetest

import (
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

const unitsFixture = `
0   mk-a1  unit.created  {"serial":"A-001","partNumber":"PCBA-1","workOrder":"WO-1"}
0   mk-a2  unit.created  {"serial":"A-002","partNumber":"PCBA-1","workOrder":"WO-1"}
0   mk-a3  unit.created  {"serial":"A-003","partNumber":"PCBA-1","workOrder":"WO-1"}
0   mk-a4  unit.created  {"serial":"A-004","partNumber":"PCBA-1","workOrder":"WO-1"}
0   mk-a5  unit.created  {"serial":"A-005","partNumber":"PCBA-1","workOrder":"WO-1"}
0   mk-v1  unit.created  {"serial":"A-006","partNumber":"PCBA-1","workOrder":"WO-1"}
0   rcv-c  component.received {"serials":["A-100"],"partNumber":"MOD-LTE"}
0   rcv-l  lot.received  {"lot":"A-200","partNumber":"R-1"}
10  mk-b1  unit.created  {"serial":"B-001","partNumber":"PCBA-2","workOrder":"WO-2"}
10  mk-b2  unit.created  {"serial":"B-002","partNumber":"PCBA-2","workOrder":"WO-2"}
10  mk-b3  unit.created  {"serial":"B-003","partNumber":"PCBA-2","workOrder":"WO-2"}
10  mk-b4  unit.created  {"serial":"B-004","partNumber":"PCBA-2","workOrder":"WO-2"}
20  mk-c1  unit.created  {"serial":"C-001","partNumber":"PRD-9","workOrder":"WO-3"}
20  mk-c2  unit.created  {"serial":"C-002","partNumber":"PRD-9","workOrder":"WO-3"}
20  mk-c3  unit.created  {"serial":"C-003","partNumber":"PRD-9","workOrder":"WO-3"}
21  pk-bx  packed        {"container":"BX","items":["A-003","A-004"]}
22  sh-1   shipped       {"shipment":"SH","customer":"CU","items":["B-001"]}
22  sc-b2  unit.scrapped {"unit":"B-002","reason":"burnt"}
22  hold   hold.placed   {"target":"B-003","reason":"retest"}
23  void   event.voided  {"event":"mk-v1","reason":"double label"}
`

// listUnits lists every unit matching f in pages of n, checking the pages.
func listUnits(t *testing.T, s tracegraph.Store, f tracegraph.UnitFilter, n int) []string {
	t.Helper()
	var out []string
	page := tracegraph.Page{First: n}
	total := -1
	for i := 0; ; i++ {
		p, err := s.Units(bg, f, page)
		if err != nil {
			t.Fatalf("Units(%+v, %+v) error: %v", f, page, err)
		}
		if len(p.Units) > n || len(p.Cursors) != len(p.Units) {
			t.Fatalf("Units(%+v, %+v) = %d units, %d cursors; want at most %d, one cursor each", f, page, len(p.Units), len(p.Cursors), n)
		}
		if total >= 0 && p.TotalCount != total {
			t.Errorf("Units(%+v, %+v).TotalCount = %d, first page said %d", f, page, p.TotalCount, total)
		}
		total = p.TotalCount
		for _, u := range p.Units {
			if u.Label != tracegraph.LabelUnit {
				t.Errorf("Units(%+v) returned %s", f, u.ID)
			}
			out = append(out, string(u.ID))
		}
		if !p.HasNextPage {
			break
		}
		if len(p.Units) == 0 || i > 100 {
			t.Fatalf("Units(%+v, %+v) says there is a next page but returned %d units", f, page, len(p.Units))
		}
		page.After = p.Cursors[len(p.Cursors)-1]
	}
	if total != len(out) {
		t.Errorf("Units(%+v).TotalCount = %d, but the pages held %d units", f, total, len(out))
	}
	return out
}

// testUnits: filters, stable pagination without duplicates or gaps, totals.
func testUnits(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, unitsFixture)
	yes, no := true, false
	all := []string{"Unit:A-001", "Unit:A-002", "Unit:A-003", "Unit:A-004", "Unit:A-005",
		"Unit:B-001", "Unit:B-002", "Unit:B-003", "Unit:B-004", "Unit:C-001", "Unit:C-002", "Unit:C-003"}
	tests := []struct {
		name string
		f    tracegraph.UnitFilter
		want []string
	}{
		{"all", tracegraph.UnitFilter{}, all},
		{"part number", tracegraph.UnitFilter{PartNumber: "PCBA-1"}, all[:5]},
		{"work order", tracegraph.UnitFilter{WorkOrder: "WO-2"}, all[5:9]},
		{"completed", tracegraph.UnitFilter{Status: tracegraph.StatusCompleted}, []string{"Unit:A-003", "Unit:A-004"}},
		{"shipped", tracegraph.UnitFilter{Status: tracegraph.StatusShipped}, []string{"Unit:B-001"}},
		{"scrapped", tracegraph.UnitFilter{Status: tracegraph.StatusScrapped}, []string{"Unit:B-002"}},
		{"wip", tracegraph.UnitFilter{Status: tracegraph.StatusWIP}, []string{
			"Unit:A-001", "Unit:A-002", "Unit:A-005", "Unit:B-003", "Unit:B-004", "Unit:C-001", "Unit:C-002", "Unit:C-003"}},
		{"on hold", tracegraph.UnitFilter{OnHold: &yes}, []string{"Unit:B-003"}},
		{"not on hold", tracegraph.UnitFilter{OnHold: &no}, slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == "Unit:B-003" })},
		{"serial prefix", tracegraph.UnitFilter{SerialPrefix: "B-00"}, all[5:9]},
		{"prefix and status", tracegraph.UnitFilter{SerialPrefix: "A-", Status: tracegraph.StatusWIP}, []string{"Unit:A-001", "Unit:A-002", "Unit:A-005"}},
		{"created window", tracegraph.UnitFilter{CreatedFrom: At(10), CreatedTo: At(20)}, all[5:9]},
		{"created from", tracegraph.UnitFilter{CreatedFrom: At(10)}, all[5:]},
		{"no match", tracegraph.UnitFilter{PartNumber: "PCBA-1", WorkOrder: "WO-2"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{100, 5, 1} {
				got := listUnits(t, s, tt.f, n)
				sorted := slices.Clone(got)
				slices.Sort(sorted)
				if !slices.Equal(sorted, tt.want) {
					t.Errorf("Units(%+v) in pages of %d = %v, want %v", tt.f, n, got, tt.want)
				}
				if n == 100 {
					continue
				}
				// Paging must not change the order.
				if whole := listUnits(t, s, tt.f, 100); !slices.Equal(got, whole) {
					t.Errorf("Units(%+v) in pages of %d = %v, in one page %v; want the same order", tt.f, n, got, whole)
				}
			}
		})
	}
	t.Run("page size", func(t *testing.T) {
		p, err := s.Units(bg, tracegraph.UnitFilter{}, tracegraph.Page{})
		if err != nil || len(p.Units) != len(all) || p.HasNextPage || p.TotalCount != len(all) {
			t.Errorf("Units(first 0) = %d units, next %v, total %d, %v; want the default page: all %d", len(p.Units), p.HasNextPage, p.TotalCount, err, len(all))
		}
		_, err = s.Units(bg, tracegraph.UnitFilter{}, tracegraph.Page{First: -1})
		wantCode(t, "Units(first -1)", err, tracegraph.CodeInvalid)
		_, err = s.Units(bg, tracegraph.UnitFilter{}, tracegraph.Page{First: tracegraph.MaxPageSize + 1})
		wantCode(t, "Units(first too many)", err, tracegraph.CodeLimit)
	})
}
