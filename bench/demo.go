package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// demoStart measures the demo's start, from an empty data directory to a
// service ready to answer (Config.DemoStart, the real `serve --demo`),
// beside generating the same events alone.
func demoStart(ctx context.Context, cfg *Config) (*Figure, error) {
	name := "demo start (`serve --demo`: empty data dir → ready)"
	if cfg.DemoStart == nil {
		return notMeasured(name, "no `serve --demo` to run (tracegraph bench runs it)", "≤ 5 s"), nil
	}
	tmp, err := os.MkdirTemp(cfg.scratch(), "tracegraph-demo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var ready rate
	cpu0, t0 := CPUTime(), time.Now()
	if err := cfg.DemoStart(ctx, filepath.Join(tmp, "data"), func() {
		ready = rate{n: 1, wall: time.Since(t0), cp: CPUTime() - cpu0}
	}); err != nil {
		return nil, fmt.Errorf("serve --demo: %w", err)
	}
	if ready.n == 0 {
		return nil, fmt.Errorf("serve --demo stopped without being ready")
	}
	cpu0, t0 = CPUTime(), time.Now()
	sum, err := factory.Generate(ctx, factory.Config{Units: cfg.DemoUnits, Seed: cfg.DemoSeed}, func(*tracegraph.Event) error { return nil })
	if err != nil {
		return nil, err
	}
	gen := rate{n: sum.Events, wall: time.Since(t0), cp: CPUTime() - cpu0}
	return &Figure{Name: name,
		Value:  fmt.Sprintf("%s (%s CPU; %d units, %d events)", roundDur(ready.wall), roundDur(ready.cp), cfg.DemoUnits, sum.Events),
		Floor:  fmt.Sprintf("generating the same events alone: %s (%s CPU)", roundDur(gen.wall), roundDur(gen.cp)),
		Ratio:  fmt.Sprintf("%.1f× generating's time", ratio(ready.wall, gen.wall)),
		Target: "≤ 5 s", Met: ready.wall <= 5*time.Second}, nil
}

// notMeasured is the row of a figure that could not be measured, and why:
// never a number.
func notMeasured(name, why, target string) *Figure {
	return &Figure{Name: name, Value: "not measured: " + why, Target: target, Skipped: true}
}
