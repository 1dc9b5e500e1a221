package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/ingest"
)

// importBatch is the events per Apply of the bulk import, as `tracegraph
// import` sends them by default (--batch).
const importBatch = 1000

// decodeFloorMax bounds the events the decoding floor reads: enough for a
// steady rate, without reading an M factory's file twice.
const decodeFloorMax = 2_000_000

// generateFile writes the factory of cfg as NDJSON (factory.Writer, what
// `tracegraph generate` writes) into a new file in dir and records the facts
// the measurements need. The caller removes the file.
func generateFile(ctx context.Context, cfg *Config, dir string) (string, *Facts, error) {
	f, err := os.CreateTemp(dir, "tracegraph-bench-*.ndjson")
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	facts, err := generateFacts(ctx, cfg, f)
	if err != nil {
		os.Remove(f.Name())
		return "", nil, err
	}
	return f.Name(), facts, nil
}

// generateFacts generates the factory of cfg as NDJSON into out and
// returns the facts the measurements need.
func generateFacts(ctx context.Context, cfg *Config, out io.Writer) (*Facts, error) {
	facts := &Facts{Units: cfg.Units, Seed: cfg.Seed}
	rng := rand.New(rand.NewPCG(cfg.Seed, 99))
	var sampled, products int
	lots := map[string]string{} // lot → part number
	w := factory.NewWriter(out)
	sample := func(to *[]tracegraph.ID, seen int, id tracegraph.ID) { // reservoir
		if len(*to) < cfg.Samples {
			*to = append(*to, id)
		} else if k := rng.IntN(seen); k < cfg.Samples {
			(*to)[k] = id
		}
	}
	sum, err := factory.Generate(ctx, factory.Config{Units: cfg.Units, Seed: cfg.Seed}, func(e *tracegraph.Event) error {
		if err := w.Write(e); err != nil {
			return err
		}
		if err := e.Normalize(); err != nil {
			return err
		}
		switch p, _ := e.Payload(); d := p.(type) {
		case *tracegraph.LotReceived:
			lots[d.Lot] = d.PartNumber
		case *tracegraph.UnitCreated:
			// reservoir samples of finished products and PCBAs, and of products
			id := tracegraph.NewID(tracegraph.LabelUnit, d.Serial)
			if d.Kind == "product" || d.Kind == "pcba" {
				sampled++
				sample(&facts.SampleUnits, sampled, id)
			}
			if d.Kind == "product" {
				products++
				sample(&facts.Products, products, id)
			}
		case *tracegraph.Packed:
			if strings.EqualFold(d.ContainerType, "pallet") && len(facts.Pallets) < cfg.Samples {
				id := tracegraph.ID(d.Container)
				if !tracegraph.LooksLikeID(d.Container) {
					id = tracegraph.NewID(tracegraph.LabelPallet, d.Container)
				}
				if !slices.Contains(facts.Pallets, id) {
					facts.Pallets = append(facts.Pallets, id)
				}
			}
		}
		return nil
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	facts.Events, facts.Summary = sum.Events, sum
	facts.SharedPart = sum.Facts.SharedPartNumber
	for lot, pn := range lots {
		if pn == facts.SharedPart {
			facts.SuspectLots = append(facts.SuspectLots, tracegraph.NewID(tracegraph.LabelMaterialLot, lot))
		}
	}
	slices.Sort(facts.SuspectLots)
	return facts, nil
}

// adopt takes a store that already holds the factory of cfg (loaded with
// `tracegraph generate | tracegraph import --bulk`, say) as bench's own: it
// generates the factory again without storing it (the generator is
// deterministic) for the facts the measurements need, checks that the store
// holds as many events, and records the facts. The import row is then not
// measured: the store was loaded without bench.
func adopt(ctx context.Context, cfg *Config) (*Facts, error) {
	s, err := cfg.Open(ctx, false)
	if err != nil {
		return nil, err
	}
	head, _, err := s.Head(ctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	cfg.logf("adopting the store (%d events): generating the %d-unit factory's facts…", head, cfg.Units)
	facts, err := generateFacts(ctx, cfg, io.Discard)
	if err != nil {
		return nil, err
	}
	if uint64(facts.Events) != head {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "adopt", "the store holds %d events, the %d-unit factory of seed %d has %d: not this factory",
			head, cfg.Units, cfg.Seed, facts.Events)
	}
	facts.Loaded = time.Now().UTC()
	facts.Import = &Figure{Name: "bulk import", Skipped: true, Target: "≥ 1,000,000 edges/s",
		Value: "not measured: bench adopted a store loaded without it (--adopt)"}
	return facts, writeFacts(cfg, facts)
}

// rate is a count over a wall time and the CPU time it took.
type rate struct {
	n        int64
	wall, cp time.Duration
}

func (r rate) perSecond() float64 { return float64(r.n) / r.wall.Seconds() }

func (r rate) cpuEach() time.Duration { return r.cp / time.Duration(max(r.n, 1)) }

// decodeFloor decodes the events of the NDJSON file alone, one goroutine,
// as the import reads them (ingest.Read, tracegraph.DecodeEvent): up to
// decodeFloorMax events.
func decodeFloor(name string) (rate, error) {
	f, err := os.Open(name)
	if err != nil {
		return rate{}, err
	}
	defer f.Close()
	var r rate
	cpu0, t0 := CPUTime(), time.Now()
	err = ingest.Read(f, "application/x-ndjson", func(raw []byte, line int) error {
		if _, err := tracegraph.DecodeEvent(raw); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if r.n++; r.n == decodeFloorMax {
			return io.EOF
		}
		return nil
	})
	r.wall, r.cp = time.Since(t0), CPUTime()-cpu0
	if err == io.EOF {
		err = nil
	}
	return r, err
}

// importFile reads the NDJSON file into the store as `tracegraph import`
// does (ingest.Read, ingest.Batch, Apply in batches of importBatch), every
// event accepted, and returns the events applied.
func importFile(ctx context.Context, s tracegraph.Store, name string, log func(string, ...any)) (int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	b := ingest.NewBatch(importBatch)
	var n int64
	start, last := time.Now(), time.Now()
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		res, err := b.Apply(ctx, s, tracegraph.ApplyOptions{})
		if err != nil {
			return err
		}
		for _, o := range res.Outcomes {
			if o.Status != tracegraph.OutcomeAccepted {
				return fmt.Errorf("event %q was %s: %v", o.ID, o.Status, o.Error)
			}
		}
		n += int64(len(res.Outcomes))
		if time.Since(last) > 10*time.Second {
			last = time.Now()
			log("  %d events, %.0f events/s", n, float64(n)/time.Since(start).Seconds())
		}
		return nil
	}
	err = ingest.Read(f, "application/x-ndjson", func(raw []byte, line int) error {
		b.Add(ctx, raw, line)
		if b.Len() == importBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return n, err
}

// keyStats counts the keys of the closed embedded store in dir and their
// bytes (keys and values), read with Pebble directly.
func keyStats(dir string) (keys, keyBytes, valueBytes int64, err error) {
	po := embedded.PebbleOptions(embedded.Options{})
	po.ReadOnly = true
	db, err := pebble.Open(dir, po)
	po.Cache.Unref()
	if err != nil {
		return 0, 0, 0, err
	}
	defer db.Close()
	it, err := db.NewIter(nil)
	if err != nil {
		return 0, 0, 0, err
	}
	for it.First(); it.Valid(); it.Next() {
		keys++
		keyBytes += int64(len(it.Key()))
		valueBytes += int64(len(it.Value()))
	}
	return keys, keyBytes, valueBytes, it.Close()
}

// pebbleFloor writes keys keys of keyLen and valueLen bytes into a new
// Pebble database in dir with the store's bulk options (no write-ahead log),
// in batches of perBatch keys committed without sync, in no order (the
// store's keys are mostly ids and hashes), then flushes and closes it, as
// the bulk import's Close does: Pebble taking the import's keys raw.
func pebbleFloor(dir string, keys int64, keyLen, valueLen, perBatch int) (rate, error) {
	tmp, err := os.MkdirTemp(dir, "tracegraph-pebble-floor-")
	if err != nil {
		return rate{}, err
	}
	defer os.RemoveAll(tmp)
	po := embedded.PebbleOptions(embedded.Options{Bulk: true})
	db, err := pebble.Open(filepath.Join(tmp, "db"), po)
	po.Cache.Unref()
	if err != nil {
		return rate{}, err
	}
	keyLen, perBatch = max(keyLen, 8), max(perBatch, 1)
	key, value := make([]byte, keyLen), make([]byte, valueLen)
	for i := range value {
		value[i] = byte(i*7 + 1)
	}
	cpu0, t0 := CPUTime(), time.Now()
	b := db.NewBatch()
	for i := range keys {
		// a bijection of i: every key distinct, in no order
		binary.BigEndian.PutUint64(key, uint64(i)*0x9E3779B97F4A7C15)
		if len(value) >= 8 {
			binary.BigEndian.PutUint64(value, uint64(i))
		}
		if err := b.Set(key, value, nil); err != nil {
			db.Close()
			return rate{}, err
		}
		if b.Count() == uint32(perBatch) || i == keys-1 {
			if err := b.Commit(pebble.NoSync); err != nil {
				db.Close()
				return rate{}, err
			}
			b = db.NewBatch()
		}
	}
	err = db.Flush()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return rate{n: keys, wall: time.Since(t0), cp: CPUTime() - cpu0}, err
}
