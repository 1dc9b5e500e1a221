package embedded

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// indexedFactory is smallFactory with process and test records that the
// record index covers.
func indexedFactory(t testing.TB) []*tracegraph.Event {
	evs := smallFactory(t)
	pr := ev(t, "pr1", tracegraph.EventProcessRecorded, 12, map[string]any{"units": []string{"PCB2"}, "step": "reflow",
		"recipe": "RF-A", "parameters": map[string]any{"peakC": 262}})
	pr.Station = "OVEN-1"
	return append(evs, pr,
		ev(t, "t2", tracegraph.EventTestRecorded, 13, map[string]any{"unit": "PCB2", "testType": "FCT", "result": "pass",
			"firmware": map[string]any{"version": "2.0", "checksum": "beef"},
			"measurements": []map[string]any{{"name": "VCC", "value": 3.39, "low": 3.2, "high": 3.4}, {"name": "VCC", "value": 3.3},
				{"name": "IQ", "value": 9.0, "high": 10.0, "result": "fail"}}}))
}

// answers is what the indexes answer for indexedFactory.
func answers(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, f := range []tracegraph.MaterialFilter{{Supplier: "ACME"}, {PartNumber: "RADIO"}, {Manufacturer: "Fab Inc"}} {
		ids, err := s.FindMaterial(ctx, f)
		if err != nil {
			t.Fatalf("FindMaterial(%+v): %v", f, err)
		}
		out = append(out, fmt.Sprint(ids))
	}
	p, err := s.ProcessUnits(ctx, tracegraph.ProcessQuery{Station: "OVEN-1", Parameter: "peakC", Max: new(250.0)}, tracegraph.Page{})
	if err != nil {
		t.Fatalf("ProcessUnits: %v", err)
	}
	q, err := s.TestUnits(ctx, tracegraph.TestQuery{FirmwareChecksum: "beef"}, tracegraph.Page{})
	if err != nil {
		t.Fatalf("TestUnits: %v", err)
	}
	m, err := s.TestUnits(ctx, tracegraph.TestQuery{TestType: "FCT", Measurement: "VCC", WithinPercent: 10}, tracegraph.Page{})
	if err != nil {
		t.Fatalf("TestUnits: %v", err)
	}
	f, err := s.TestUnits(ctx, tracegraph.TestQuery{TestType: "FCT", Measurement: "IQ", Failed: true}, tracegraph.Page{})
	if err != nil {
		t.Fatalf("TestUnits: %v", err)
	}
	for _, pg := range []*tracegraph.UnitPage{p, q, m, f} {
		for _, u := range pg.Units {
			out = append(out, string(u.ID))
		}
	}
	return fmt.Sprint(out)
}

// TestIndexRebuild: a store written before the material and record indexes
// existed gets them at its next Open, once; Verify checks them.
func TestIndexRebuild(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, indexedFactory(t)...)
	want := answers(t, s)
	if want != "[[MaterialLot:L1] [Component:RM1 Component:RM2] [WaferBatch:W1] Unit:PCB2 Unit:PCB2 Unit:PCB2 Unit:PCB2]" {
		t.Fatalf("answers = %s", want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Make it an old store: no index entries, no mark.
	db, err := pebble.Open(dir, &pebble.Options{Logger: pebbleLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []byte{pMaterialIx, pRecordIx} {
		if err := db.DeleteRange([]byte{p}, []byte{p + 1}, pebble.Sync); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Delete([]byte(ixKey), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := answers(t, s); got != want {
		t.Errorf("after the rebuild, answers = %s, want %s", got, want)
	}
	rep, err := s.Verify(context.Background(), tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Errorf("Verify after the rebuild = %+v, %v; want intact", rep, err)
	}

	// Verify notices an index entry that is missing.
	k := materialIxKey("supplier", "ACME", "", "MaterialLot:L1")
	if err := s.db.Delete(k, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	rep, err = s.Verify(context.Background(), tracegraph.VerifyOptions{})
	if err != nil || rep.OK() || !slices.ContainsFunc(rep.Problems, func(p string) bool {
		return p == `material index record "supplier/ACME//MaterialLot:L1" that the log produces is missing`
	}) {
		t.Errorf("Verify with a material index entry deleted = %+v, %v; want it reported", rep, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestIndexRevival: a lot voided and received again in the same batch is
// indexed by its new properties only.
func TestIndexRevival(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustApply(t, s,
		ev(t, "l1", tracegraph.EventLotReceived, 1, map[string]any{"lot": "L1", "partNumber": "IC-1", "supplier": "ACME"}),
		ev(t, "v1", tracegraph.EventVoided, 2, map[string]any{"event": "l1", "reason": "typo"}),
		ev(t, "l1b", tracegraph.EventLotReceived, 3, map[string]any{"lot": "L1", "partNumber": "IC-1", "supplier": "AJAX"}),
		// shipping a component rewrites its node, never its index entries
		ev(t, "c1", tracegraph.EventComponentReceived, 4, map[string]any{"serials": []string{"RM1"}, "partNumber": "RADIO", "supplier": "ACME"}))
	for _, tt := range []struct {
		f    tracegraph.MaterialFilter
		want []tracegraph.ID
	}{
		{tracegraph.MaterialFilter{Supplier: "ACME"}, []tracegraph.ID{"Component:RM1"}},
		{tracegraph.MaterialFilter{Supplier: "AJAX"}, []tracegraph.ID{"MaterialLot:L1"}},
	} {
		got, err := s.FindMaterial(context.Background(), tt.f)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("FindMaterial(%+v) = %v, %v; want %v", tt.f, got, err, tt.want)
		}
	}
	rep, err := s.Verify(context.Background(), tracegraph.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Errorf("Verify = %+v, %v; want intact", rep, err)
	}
}

// TestIndexBulk: a bulk store (no WAL) opens, indexes while it loads and
// keeps them once closed.
func TestIndexBulk(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Bulk: true})
	if err != nil {
		t.Fatalf("Open(bulk) of a new store: %v", err)
	}
	mustApply(t, s, indexedFactory(t)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := answers(t, s); got != "[[MaterialLot:L1] [Component:RM1 Component:RM2] [WaferBatch:W1] Unit:PCB2 Unit:PCB2 Unit:PCB2 Unit:PCB2]" {
		t.Errorf("answers after a bulk load = %s", got)
	}
}
