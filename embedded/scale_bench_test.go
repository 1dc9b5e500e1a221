package embedded_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
)

// scaleDataEnv names the data directory of a factory `tracegraph bench`
// loaded (it keeps bench-facts.json beside the store), for the Scale
// benchmarks: queries on a factory far larger than the caches, opened once
// per test binary and shared.
//
//	tracegraph bench --units 200000 --data /var/tmp/tg-200k --only memory
//	TRACEGRAPH_BENCH_DATA=/var/tmp/tg-200k go test ./embedded/ -run '^$' -bench Scale -benchtime 2000x
const scaleDataEnv = "TRACEGRAPH_BENCH_DATA"

var scale struct {
	once  sync.Once
	s     *embedded.Store
	open  time.Duration
	facts struct {
		SampleUnits []tracegraph.ID `json:"sampleUnits"`
		SuspectLots []tracegraph.ID `json:"suspectLots"`
		Pallets     []tracegraph.ID `json:"pallets"`
	}
	err error
}

func scaleStore(b *testing.B) *embedded.Store {
	b.Helper()
	dir := os.Getenv(scaleDataEnv)
	if dir == "" {
		b.Skipf("%s is not set", scaleDataEnv)
	}
	scale.once.Do(func() {
		raw, err := os.ReadFile(filepath.Join(dir, "bench-facts.json"))
		if err != nil {
			scale.err = err
			return
		}
		if scale.err = json.Unmarshal(raw, &scale.facts); scale.err != nil {
			return
		}
		t0 := time.Now()
		scale.s, scale.err = embedded.Open(dir, embedded.Options{})
		scale.open = time.Since(t0)
	})
	if scale.err != nil {
		b.Fatal(scale.err)
	}
	return scale.s
}

// cpuNow is the CPU time the process has used, user and system.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timed runs op b.N times and reports the CPU time per op and the p50 and
// p99 of the wall times.
func timed(b *testing.B, op func(i int) error) {
	b.ReportAllocs()
	lat := make([]time.Duration, 0, 1<<12)
	cpu0 := cpuNow()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(float64(cpuNow()-cpu0)/float64(len(lat)), "cpu-ns/op")
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2]), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100]), "p99-ns")
}

// BenchmarkScaleOpen reports how long the shared store took to open.
func BenchmarkScaleOpen(b *testing.B) {
	scaleStore(b)
	for b.Loop() {
	}
	b.ReportMetric(float64(scale.open.Milliseconds()), "open-ms")
}

// BenchmarkScaleTrace: the upstream genealogy of the sample units (depth ≤
// 8, with edges), as `tracegraph bench` measures it.
func BenchmarkScaleTrace(b *testing.B) {
	s, ctx := scaleStore(b), context.Background()
	units := scale.facts.SampleUnits
	timed(b, func(i int) error {
		_, err := s.Trace(ctx, tracegraph.TraceRequest{From: units[i%len(units) : i%len(units)+1], Direction: tracegraph.Upstream, MaxDepth: 8})
		return err
	})
}

// BenchmarkScaleExplode: every serial on one of the sample pallets.
func BenchmarkScaleExplode(b *testing.B) {
	s, ctx := scaleStore(b), context.Background()
	pallets := scale.facts.Pallets
	timed(b, func(i int) error {
		_, err := s.Explode(ctx, pallets[i%len(pallets)], time.Time{})
		return err
	})
}

// BenchmarkScaleRecall: the recall from the suspect reels with the full
// rollup.
func BenchmarkScaleRecall(b *testing.B) {
	s, ctx := scaleStore(b), context.Background()
	units := 0
	timed(b, func(int) error {
		r, err := s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: scale.facts.SuspectLots})
		if err == nil {
			units = len(r.Confirmed) + len(r.Possible)
		}
		return err
	})
	b.ReportMetric(float64(units), "units")
}

// BenchmarkScaleRecallUnits: the recall's serial list streamed (RecallUnits),
// as an export streams it; -memprofile shows what the stream allocates.
func BenchmarkScaleRecallUnits(b *testing.B) {
	s, ctx := scaleStore(b), context.Background()
	units := 0
	timed(b, func(int) error {
		units = 0
		return s.RecallUnits(ctx, tracegraph.RecallRequest{Suspects: scale.facts.SuspectLots}, func(tracegraph.RecallUnit) error {
			units++
			return nil
		})
	})
	b.ReportMetric(float64(units), "units")
}
