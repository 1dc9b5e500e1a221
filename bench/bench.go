package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
)

// Config says what to measure.
type Config struct {
	// Units is the size of the generated factory (M = 1,000,000).
	Units int
	Seed  uint64
	// Open opens the store under test; bulk is true while it is being
	// loaded. The returned close function makes a bulk load durable.
	Open func(ctx context.Context, bulk bool) (tracegraph.Store, error)
	// Adopt takes a store that already holds this factory, loaded without
	// bench (generate | import --bulk), instead of loading it (adopt).
	Adopt bool
	// FactsFile keeps what the load learnt (suspect lots, sample units,
	// pallets) so a later run can reuse a loaded store.
	FactsFile string
	// Only limits the measurements to these names (empty: all).
	Only []string
	// Samples is how many units and pallets the latency figures use.
	Samples int
	// IngestClients (default 16) and IngestEvents (per client, default
	// 20,000) size the durable ingest measurements, over HTTP and through
	// Store.Apply, each into its own fresh store from OpenFresh.
	IngestClients, IngestEvents int
	OpenFresh                   func(ctx context.Context) (tracegraph.Store, func(), error)
	// StoreDir is the embedded store's directory: the bulk import's Pebble
	// floor counts its keys (empty: that floor is not measured).
	StoreDir string
	// ScratchDir holds the temporary files of the measurements (the
	// factory's NDJSON, the fsync and Pebble floors, the demo's data
	// directory), on the disk measured (default os.TempDir()).
	ScratchDir string
	// HTTPQueries is how many genealogies the HTTP figure sends (default
	// 3,000; three times as many `{ __typename }`).
	HTTPQueries int
	// PostgresDSN names the PostgreSQL database of the recursive-CTE
	// baseline (pgbaseline; scripts/pg-baseline-up.sh). Empty: the row says
	// it was not measured.
	PostgresDSN string
	// DemoStart runs the real `serve --demo` on the empty data directory
	// dir, calls ready once the service is ready, then stops it and
	// returns. Nil: the row says it was not measured. DemoUnits and
	// DemoSeed are the demo factory's, for its floor.
	DemoStart func(ctx context.Context, dir string, ready func()) error
	DemoUnits int
	DemoSeed  uint64
	// IngestSite, when set, prefixes the ingest clients' site codes, so that
	// their streams never collide with the factory or an earlier run's
	// streams in a store that is not fresh (Neo4j's one database).
	IngestSite string
	// ProfileDir, when set, receives a CPU profile of each row as
	// ROW.cpu.pprof (the import's covers the whole load).
	ProfileDir string
	// Log receives progress.
	Log io.Writer
}

// Facts is what a load of the factory records for the measurements.
type Facts struct {
	Units        int              `json:"units"`
	Seed         uint64           `json:"seed"`
	Events       int64            `json:"events"`
	SharedPart   string           `json:"sharedPart"`
	SuspectLots  []tracegraph.ID  `json:"suspectLots"`
	SampleUnits  []tracegraph.ID  `json:"sampleUnits"`
	Products     []tracegraph.ID  `json:"products,omitempty"`
	Pallets      []tracegraph.ID  `json:"pallets"`
	Summary      *factory.Summary `json:"summary"`
	Import       *Figure          `json:"import,omitempty"`
	ImportEdges  int              `json:"importEdges"`
	ImportEvents int64            `json:"importEvents"`
	Loaded       time.Time        `json:"loaded"`
}

// Figure is one measured value beside its floor or peer, measured in the
// same run, and its target.
type Figure struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Floor is what the same work costs at its floor (the part of it that
	// cannot get faster: decoding, fsync, Pebble) or a peer doing it another
	// way, measured in the same run; Ratio compares the two.
	Floor  string `json:"floor,omitempty"`
	Ratio  string `json:"ratio,omitempty"`
	Target string `json:"target"`
	Met    bool   `json:"met"`
	// Skipped is a figure not measured; Value says why.
	Skipped bool   `json:"skipped,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Report is what Run measured.
type Report struct {
	Units   int       `json:"units"`
	Figures []*Figure `json:"figures"`
	Machine string    `json:"machine"`
	When    time.Time `json:"when"`
}

// Rows are the names Config.Only takes, in the order of the report.
func Rows() []string {
	return []string{"import", "memory", "genealogy", "recall", "explode", "http", "postgres", "ingest", "demo"}
}

func (c *Config) wants(name string) bool {
	return len(c.Only) == 0 || slices.Contains(c.Only, name)
}

func (c *Config) scratch() string {
	if c.ScratchDir == "" {
		return os.TempDir()
	}
	return c.ScratchDir
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

// Run loads the factory if the store is empty (measuring the bulk import),
// then measures each target.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Samples == 0 {
		cfg.Samples = 2000
	}
	for _, name := range cfg.Only {
		if !slices.Contains(Rows(), name) {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "only", "%q is not a row: %s", name, strings.Join(Rows(), ", "))
		}
	}
	rep := &Report{Units: cfg.Units, When: time.Now().UTC(),
		Machine: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}
	facts, err := readFacts(cfg.FactsFile)
	if err != nil {
		return nil, err
	}
	if facts != nil {
		for i, p := range facts.Pallets { // facts written before pallets were recorded as given
			facts.Pallets[i] = tracegraph.ID(strings.TrimPrefix(string(p), "Pallet:Pallet:"))
			if !tracegraph.LooksLikeID(string(facts.Pallets[i])) {
				facts.Pallets[i] = tracegraph.NewID(tracegraph.LabelPallet, string(facts.Pallets[i]))
			}
		}
	}
	loaded := facts == nil || facts.Units != cfg.Units || facts.Seed != cfg.Seed
	if loaded && cfg.Adopt {
		if facts, err = adopt(ctx, &cfg); err != nil {
			return nil, err
		}
		loaded = false
	} else if loaded {
		if _, err := cfg.profiled("import", func() ([]*Figure, error) {
			var err error
			facts, err = load(ctx, &cfg)
			return nil, err
		}); err != nil {
			return nil, err
		}
	} else {
		cfg.logf("reusing the loaded factory (%d units, %d events)", facts.Units, facts.Events)
	}
	if facts.Import != nil && cfg.wants("import") {
		if !loaded && !facts.Import.Skipped {
			facts.Import.Note = fmt.Sprintf("measured when this factory was loaded, %s (a fresh --data measures it again)", facts.Loaded.Format(time.RFC3339))
		}
		rep.Figures = append(rep.Figures, facts.Import)
	}
	start := time.Now()
	s, err := cfg.Open(ctx, false)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	openTime := time.Since(start)
	cfg.logf("store opened in %s", openTime.Round(time.Millisecond))
	one := func(f *Figure, err error) ([]*Figure, error) { return []*Figure{f}, err }
	for _, r := range []struct {
		name    string
		measure func() ([]*Figure, error)
	}{
		{"memory", func() ([]*Figure, error) { return memory(ctx, s, openTime) }},
		{"genealogy", func() ([]*Figure, error) { return genealogy(ctx, s, facts, cfg.Samples) }},
		{"recall", func() ([]*Figure, error) { return recall(ctx, s, facts, &cfg) }},
		{"explode", func() ([]*Figure, error) { return one(explode(ctx, s, facts, cfg.Samples)) }},
		{"http", func() ([]*Figure, error) { return one(httpQueries(ctx, s, facts, &cfg)) }},
		{"postgres", func() ([]*Figure, error) { return one(versusPostgres(ctx, s, facts, &cfg)) }},
		{"ingest", func() ([]*Figure, error) { return ingestFigures(ctx, &cfg) }},
		{"demo", func() ([]*Figure, error) { return one(demoStart(ctx, &cfg)) }},
	} {
		if !cfg.wants(r.name) || r.name == "ingest" && cfg.OpenFresh == nil {
			continue
		}
		f, err := cfg.profiled(r.name, r.measure)
		if err != nil {
			return nil, err
		}
		rep.Figures = append(rep.Figures, f...)
	}
	return rep, nil
}

// profiled runs measure, with a CPU profile of it written to
// ProfileDir/name.cpu.pprof when ProfileDir is set.
func (c *Config) profiled(name string, measure func() ([]*Figure, error)) ([]*Figure, error) {
	if c.ProfileDir == "" {
		return measure()
	}
	if err := os.MkdirAll(c.ProfileDir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(c.ProfileDir, name+".cpu.pprof"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, fmt.Errorf("profile of %s: %w", name, err)
	}
	figs, err := measure()
	pprof.StopCPUProfile()
	return figs, err
}

func readFacts(name string) (*Facts, error) {
	if name == "" {
		return nil, nil
	}
	b, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f Facts
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return &f, nil
}

// load generates the factory as NDJSON into a file, measures decoding it
// alone (the floor), then imports it into the store opened in bulk mode as
// `tracegraph import --bulk` does, measuring events and edges per second up
// to the store's Close (which makes it durable), then Pebble taking as many
// keys raw (the other floor), and records the facts.
func load(ctx context.Context, cfg *Config) (*Facts, error) {
	s, err := cfg.Open(ctx, true)
	if err != nil {
		return nil, err
	}
	st0, err := s.Stats(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if st0.Events > 0 {
		s.Close()
		return nil, fmt.Errorf("the store holds %d events but no facts file for this factory: bench needs an empty store or its own earlier load", st0.Events)
	}
	cfg.logf("generating a %d-unit factory (seed %d) as NDJSON…", cfg.Units, cfg.Seed)
	name, facts, err := generateFile(ctx, cfg, cfg.scratch())
	if err != nil {
		s.Close()
		return nil, err
	}
	defer os.Remove(name)
	dec, err := decodeFloor(name)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("decode floor: %w", err)
	}
	cfg.logf("decoding alone: %.0f events/s (%d events)", dec.perSecond(), dec.n)
	cfg.logf("importing %d events in bulk mode…", facts.Events)
	restoreGC := func() {}
	if _, ok := s.(*embedded.Store); ok {
		restoreGC = embedded.BulkGC() // as import --bulk runs
	}
	defer func() { restoreGC() }()
	cpu0, start := CPUTime(), time.Now()
	n, err := importFile(ctx, s, name, cfg.logf)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("import: %w", err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	err = s.Close() // makes the bulk load durable
	imp := rate{n: n, wall: time.Since(start), cp: CPUTime() - cpu0}
	restoreGC()
	restoreGC = func() {}
	if err != nil {
		return nil, err
	}
	edges := 0
	for _, c := range st.Edges {
		edges += c
	}
	facts.Loaded = time.Now().UTC()
	facts.ImportEdges, facts.ImportEvents = edges, n
	eps := float64(edges) / imp.wall.Seconds()
	fig := &Figure{Name: "bulk import (`import --bulk` of the factory's NDJSON, through the rules)",
		Value: fmt.Sprintf("%.0f edges/s, %.0f events/s (%d events, %d edges in %s; %s CPU per event)",
			eps, imp.perSecond(), n, edges, roundDur(imp.wall), roundDur(imp.cpuEach())),
		Floor:  fmt.Sprintf("decoding the same NDJSON alone, one goroutine: %.0f events/s (%s CPU per event, %d events)", dec.perSecond(), roundDur(dec.cpuEach()), dec.n),
		Ratio:  fmt.Sprintf("events/s %.2f× decoding's", imp.perSecond()/dec.perSecond()),
		Target: "≥ 1,000,000 edges/s", Met: eps >= 1e6}
	if cfg.StoreDir != "" {
		keys, kb, vb, err := keyStats(cfg.StoreDir)
		if err != nil {
			return nil, fmt.Errorf("count the store's keys: %w", err)
		}
		cfg.logf("Pebble alone: %d keys of %d+%d bytes…", keys, kb/max(keys, 1), vb/max(keys, 1))
		raw, err := pebbleFloor(cfg.scratch(), keys, int(kb/max(keys, 1)), int(vb/max(keys, 1)), int(keys*importBatch/max(n, 1)))
		if err != nil {
			return nil, fmt.Errorf("pebble floor: %w", err)
		}
		kps := float64(keys) / imp.wall.Seconds()
		fig.Value += fmt.Sprintf("; %d Pebble keys, %.0f keys/s", keys, kps)
		fig.Floor += fmt.Sprintf("; Pebble taking %d keys of %d+%d bytes raw (bulk options, batches of %d, no order): %.0f keys/s (%s CPU per key)",
			keys, kb/keys, vb/keys, keys*importBatch/max(n, 1), raw.perSecond(), roundDur(raw.cpuEach()))
		fig.Ratio += fmt.Sprintf("; keys/s %.2f× Pebble's", kps/raw.perSecond())
	}
	facts.Import = fig
	cfg.logf("loaded: %s", fig.Value)
	return facts, writeFacts(cfg, facts)
}

// writeFacts records facts in cfg.FactsFile, for later runs on this store.
func writeFacts(cfg *Config, facts *Facts) error {
	if cfg.FactsFile == "" {
		return nil
	}
	b, _ := json.MarshalIndent(facts, "", " ")
	if err := os.MkdirAll(filepath.Dir(cfg.FactsFile), 0o755); err != nil {
		return err
	}
	return os.WriteFile(cfg.FactsFile, b, 0o644)
}

func memory(ctx context.Context, s tracegraph.Store, openTime time.Duration) ([]*Figure, error) {
	st, err := s.Stats(ctx)
	if err != nil {
		return nil, err
	}
	nodes, edges := 0, 0
	for _, c := range st.Nodes {
		nodes += c
	}
	for _, c := range st.Edges {
		edges += c
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f := &Figure{Name: "topology memory", Target: "≤ 64 bytes per node and ≤ 40 bytes per edge"}
	type memSplit interface {
		TopologyBytes() (nodes, edges int64)
	}
	if m, ok := s.(memSplit); ok {
		nb, eb := m.TopologyBytes()
		bn, be := float64(nb)/float64(nodes), float64(eb)/float64(edges)
		f.Value = fmt.Sprintf("%.1f bytes/node, %.1f bytes/edge (%d nodes, %d edges; Go heap after open %d MiB; open %s)",
			bn, be, nodes, edges, ms.HeapAlloc>>20, openTime.Round(time.Millisecond))
		f.Met = bn <= 64 && be <= 40
	} else {
		f.Value = fmt.Sprintf("store reports %d bytes for %d nodes and %d edges", st.MemBytes, nodes, edges)
	}
	return []*Figure{f}, nil
}

// percentile returns the p-th percentile of sorted durations.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds)-1) * p)
	return ds[i]
}

func genealogy(ctx context.Context, s tracegraph.Store, facts *Facts, samples int) ([]*Figure, error) {
	units := facts.SampleUnits
	if len(units) > samples {
		units = units[:samples]
	}
	if len(units) == 0 {
		return nil, fmt.Errorf("genealogy: no sample units")
	}
	var ds []time.Duration
	nodes := 0
	// Warm up once, then measure each unit several times.
	for round := 0; round < 4; round++ {
		for _, id := range units {
			t0 := time.Now()
			tr, err := s.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{id}, Direction: tracegraph.Upstream, MaxDepth: 8})
			d := time.Since(t0)
			if err != nil {
				return nil, fmt.Errorf("genealogy of %s: %w", id, err)
			}
			if round > 0 {
				ds = append(ds, d)
				nodes += len(tr.Nodes)
			}
		}
	}
	slices.Sort(ds)
	p50, p99 := percentile(ds, 0.5), percentile(ds, 0.99)
	return []*Figure{{Name: "upstream genealogy of one unit, in the store (depth ≤ 8, with edges)",
		Value:  fmt.Sprintf("p50 %s, p99 %s (%d traces, %.0f nodes each on average)", roundDur(p50), roundDur(p99), len(ds), float64(nodes)/float64(len(ds))),
		Target: "p50 ≤ 50 µs, p99 ≤ 300 µs", Met: p50 <= 50*time.Microsecond && p99 <= 300*time.Microsecond}}, nil
}

func recall(ctx context.Context, s tracegraph.Store, facts *Facts, cfg *Config) ([]*Figure, error) {
	if len(facts.SuspectLots) == 0 {
		return nil, fmt.Errorf("recall: no suspect lots recorded")
	}
	var ds, streams []time.Duration
	var rep *tracegraph.RecallReport
	for run := 0; run < 5; run++ {
		runtime.GC()
		t0 := time.Now()
		r, err := s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: facts.SuspectLots})
		if err != nil {
			return nil, fmt.Errorf("recall: %w", err)
		}
		ds = append(ds, time.Since(t0))
		// The full serial list, streamed as CSV lines.
		w := bufio.NewWriterSize(io.Discard, 1<<16)
		writeUnits(w, r.Confirmed)
		writeUnits(w, r.Possible)
		streams = append(streams, time.Since(t0))
		rep = r
		cfg.logf("  recall run %d: %s", run+1, ds[len(ds)-1].Round(time.Millisecond))
	}
	slices.Sort(ds)
	slices.Sort(streams)
	med, smed := ds[len(ds)/2], streams[len(streams)/2]
	units := len(rep.Confirmed) + len(rep.Possible)
	reportPeak, err := heapPeak(func() error { // the report path again, its heap sampled
		r, err := s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: facts.SuspectLots})
		if err == nil {
			w := bufio.NewWriterSize(io.Discard, 1<<16)
			writeUnits(w, r.Confirmed)
			writeUnits(w, r.Possible)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("recall: %w", err)
	}
	exportFig, err := recallExport(ctx, s, facts, cfg, units, reportPeak)
	if err != nil {
		return nil, err
	}
	counts := fmt.Sprintf("%d units (%d confirmed, %d possible; shipped %d, in house %d, scrapped %d), %d products, %d work orders, %d boxes, %d pallets, %d shipments, %d customers, from %d suspect lots of part %s",
		units, len(rep.Confirmed), len(rep.Possible),
		rep.ConfirmedCount.Shipped+rep.PossibleCount.Shipped, rep.ConfirmedCount.InHouse+rep.PossibleCount.InHouse,
		rep.ConfirmedCount.Scrapped+rep.PossibleCount.Scrapped, len(rep.Products), len(rep.WorkOrders),
		len(rep.Boxes), len(rep.Pallets), len(rep.Shipments), len(rep.Customers), len(facts.SuspectLots), facts.SharedPart)
	return []*Figure{
		{Name: "recall with the full rollup, in the store", Value: fmt.Sprintf("median %s over 5 runs: %s", roundDur(med), counts),
			Target: "≤ 300 ms reaching 1,000,000 units", Met: med <= 300*time.Millisecond && units >= 1_000_000},
		{Name: "recall plus the full serial list written out", Value: fmt.Sprintf("median %s for %d serials", roundDur(smed), units),
			Target: "≤ 2 s", Met: smed <= 2*time.Second},
		exportFig,
	}, nil
}

// writeUnits writes units as CSV lines: serial, precision, status.
func writeUnits(w *bufio.Writer, us []tracegraph.RecallUnit) {
	for _, u := range us {
		writeUnit(w, u)
	}
	w.Flush()
}

func writeUnit(w *bufio.Writer, u tracegraph.RecallUnit) {
	w.WriteString(u.ID.Key())
	w.WriteByte(',')
	w.WriteString(u.Precision.String())
	w.WriteByte(',')
	w.WriteString(u.Status)
	w.WriteByte('\n')
}

// recallExport times the export of the recall's full serial list through
// RecallUnits, streamed as CSV to a discarding writer the way an HTTP export
// streams it, and measures the Go heap meanwhile. The stated bound is what
// the embedded store's stream may hold, whatever the number of rows: its
// walk's state, at most 96 bytes per node reached (the list of reached
// nodes, 4 bytes each, and the two frontier arrays, 8 bytes per entry, and
// one level's list, each with the garbage of its growth), plus 5 bytes per
// node of the store for the per-node marks when none is pooled, plus 1 MiB
// for one chunk of units and the writer's buffer. Every run must keep within
// it. reportPeak is the same measurement of RecallImpact with its lists.
func recallExport(ctx context.Context, s tracegraph.Store, facts *Facts, cfg *Config, reportUnits int, reportPeak uint64) (*Figure, error) {
	st, err := s.Stats(ctx)
	if err != nil {
		return nil, err
	}
	nodes := 0
	for _, n := range st.Nodes {
		nodes += n
	}
	var ds []time.Duration
	var peaks []uint64
	units := 0
	for run := 0; run < 5; run++ {
		var d time.Duration
		peak, err := heapPeak(func() error {
			w := bufio.NewWriterSize(io.Discard, 1<<16)
			units = 0
			t0 := time.Now()
			err := s.RecallUnits(ctx, tracegraph.RecallRequest{Suspects: facts.SuspectLots}, func(u tracegraph.RecallUnit) error {
				units++
				writeUnit(w, u)
				return nil
			})
			w.Flush()
			d = time.Since(t0)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("recall export: %w", err)
		}
		ds, peaks = append(ds, d), append(peaks, peak)
		cfg.logf("  recall export run %d: %s, heap peak +%.1f MiB", run+1, d.Round(time.Millisecond), mib(peak))
	}
	slices.Sort(ds)
	slices.Sort(peaks)
	med, peak, worst := ds[len(ds)/2], peaks[len(peaks)/2], peaks[len(peaks)-1]
	bound := uint64(96*units+5*nodes) + 1<<20
	f := &Figure{Name: "recall serial list streamed (RecallUnits → CSV), Go heap measured",
		Value: fmt.Sprintf("median %s for %d serials; heap growth during the stream: median peak %.1f MiB (%.0f bytes per serial), largest %.1f MiB, stated bound %.1f MiB (%d nodes in the store); RecallImpact with its lists peaks at %.1f MiB",
			roundDur(med), units, mib(peak), float64(peak)/float64(max(units, 1)), mib(worst), mib(bound), nodes, mib(reportPeak)),
		Target: "≤ 2 s; heap ≤ 96 B per node reached + 5 B per store node + 1 MiB in every run (no memory per row)",
		Met:    med <= 2*time.Second && worst <= bound && units == reportUnits,
	}
	if units != reportUnits {
		f.Note = fmt.Sprintf("RecallUnits streamed %d units, RecallImpact reports %d", units, reportUnits)
	}
	return f, nil
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// heapPeak runs f after a garbage collection and returns how far the Go heap
// (live and not yet swept objects, read without stopping the world) rose
// above where it started, sampled every millisecond by a goroutine it stops
// before returning.
func heapPeak(f func() error) (uint64, error) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if h := read(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	err := f()
	close(stop)
	<-done
	if h := read(); h > peak.Load() {
		peak.Store(h)
	}
	if p := peak.Load(); p > base {
		return p - base, err
	}
	return 0, err
}

const explodeTarget = "p99 ≤ 100 µs for 2,000 serials"

func explode(ctx context.Context, s tracegraph.Store, facts *Facts, samples int) (*Figure, error) {
	pallets := facts.Pallets
	if len(pallets) == 0 {
		return notMeasured("pallet explode, in the store", "the factory has no pallet (too small)", explodeTarget), nil
	}
	var ds []time.Duration
	serials := 0
	for round := 0; round < 6; round++ {
		for _, id := range pallets {
			t0 := time.Now()
			items, err := s.Explode(ctx, id, time.Time{})
			d := time.Since(t0)
			if err != nil {
				return nil, fmt.Errorf("explode %s: %w", id, err)
			}
			if round > 0 {
				ds = append(ds, d)
				serials += items.Len()
			}
		}
		if len(ds) >= 5*samples {
			break
		}
	}
	slices.Sort(ds)
	p50, p99 := percentile(ds, 0.5), percentile(ds, 0.99)
	avg := serials / len(ds)
	perSerial := float64(p99) / float64(avg)
	return &Figure{Name: "pallet explode, in the store",
		Value:  fmt.Sprintf("p50 %s, p99 %s for %d serials on average (%d pallets; p99 scaled to 2,000 serials: %s)", roundDur(p50), roundDur(p99), avg, len(pallets), roundDur(time.Duration(perSerial*2000))),
		Target: explodeTarget, Met: time.Duration(perSerial*2000) <= 100*time.Microsecond}, nil
}

// Markdown renders the report as a table: each figure beside its floor
// or peer, their ratio, the target and whether it is met.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Factory of %d units; %s; %s.\n\n", r.Units, r.Machine, r.When.Format(time.RFC3339))
	b.WriteString("| what | measured | floor / peer, same run | ratio | target | met |\n|---|---|---|---|---|---|\n")
	for _, f := range r.Figures {
		met := "yes"
		switch {
		case f.Skipped:
			met = "not measured"
		case !f.Met:
			met = "**no**"
		}
		value := f.Value
		if f.Note != "" {
			value += " (" + f.Note + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", f.Name, value, dash(f.Floor), dash(f.Ratio), f.Target, met)
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
