package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/ingest"
)

// demoMarker is the file in the data directory that says a demo load is
// under way: the load does not sync its commits, so a crash may leave a
// prefix of it (or nothing), and the next start that finds the file loads
// the demo again (the events already loaded are duplicates).
const demoMarker = "DEMO-LOADING"

// demoWindow is how many batches the demo load keeps in flight: the store
// projects one while it writes the one before, and the generator makes the
// next meanwhile. More cost more CPU for no speed (docs/bench-write.md).
const demoWindow = 2

// demoLoader is a store that commits without syncing while it loads
// (embedded.Store.BeginLoad and EndLoad).
type demoLoader interface {
	tracegraph.Store
	BeginLoad()
	EndLoad() error
}

// startDemo loads the demo factory cfg into the embedded store in
// sc.DataDir when the directory is empty or holds an interrupted demo load,
// and returns the factory's facts and the store, open, to serve; nil, nil
// when it loads nothing (another store kind, or a store holding data:
// loadDemo decides). The load commits without syncing (BeginLoad) into
// memtables that hold the whole demo (demoMemTableBytes), syncs the log
// once when it ends (EndLoad) and leaves the flush to table files to the
// background: the store that loaded serves, nothing is closed, flushed and
// opened again before the service is ready.
func startDemo(ctx context.Context, log *slog.Logger, sc storeConfig, cfg factory.Config) (*factory.Facts, tracegraph.Store, error) {
	if sc.Kind != "" && sc.Kind != storeEmbedded || sc.DataDir == "" {
		return nil, nil, nil
	}
	marker := filepath.Join(sc.DataDir, demoMarker)
	_, err := os.Stat(marker)
	resume := err == nil
	if !resume {
		entries, err := os.ReadDir(sc.DataDir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("demo: %w", err)
		}
		if len(entries) > 0 {
			return nil, nil, nil
		}
	} else {
		log.Warn("demo: an earlier demo load was interrupted; loading the demo again (what it loaded is kept)")
	}
	if err := os.MkdirAll(sc.DataDir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("create data directory: %w", err)
	}
	if err := writeSynced(marker); err != nil {
		return nil, nil, fmt.Errorf("demo: %w", err)
	}
	if sc.MemTableBytes == 0 {
		sc.MemTableBytes = demoMemTableBytes
	}
	opened, err := openStore(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	store, ok := opened.(demoLoader)
	if !ok {
		opened.Close()
		return nil, nil, fmt.Errorf("demo: the %s store cannot load without syncing", sc.Kind)
	}
	store.BeginLoad()
	restoreGC := demoGC(cfg.Units)
	facts, err := loadDemo(ctx, log, store, cfg, true)
	restoreGC()
	if err == nil {
		began := time.Now()
		err = store.EndLoad()
		log.Info("demo: durable", "took", time.Since(began).Round(time.Millisecond))
	}
	if err == nil {
		err = os.Remove(marker)
	}
	if err == nil {
		err = syncDir(sc.DataDir)
	}
	if err != nil {
		store.Close()
		return nil, nil, fmt.Errorf("demo: %w", err)
	}
	return facts, store, nil
}

// writeSynced creates the empty file name and syncs it and its directory.
func writeSynced(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return syncDir(filepath.Dir(name))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// loadDemo loads the demo factory cfg into store, in batches, generating
// the next batches while the store applies the ones before, and returns the
// factory's known facts. When the store already holds events it loads
// nothing unless always; the facts are those of the demo factory all the
// same (the generator is deterministic), and hold if the store was filled
// by --demo.
func loadDemo(ctx context.Context, log *slog.Logger, store tracegraph.Store, cfg factory.Config, always bool) (*factory.Facts, error) {
	head, _, err := store.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the store's head: %w", err)
	}
	if head > 0 && !always {
		log.Info("demo: the store is not empty; not loading the demo factory", "events", head)
		sum, err := factory.Generate(ctx, cfg, func(*tracegraph.Event) error { return nil })
		if err != nil {
			return nil, fmt.Errorf("demo facts: %w", err)
		}
		return &sum.Facts, nil
	}
	log.Info("demo: loading a generated factory into the empty store", "units", cfg.Units, "seed", cfg.Seed)
	began := time.Now()
	var (
		applied, rejected int
		lastLog           = time.Now()
		firstRejection    string
	)
	p := newPipeline(store, demoWindow)
	batch := make([]*tracegraph.Event, 0, demoBatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		b := batch
		batch = make([]*tracegraph.Event, 0, demoBatchSize)
		var outs []tracegraph.Outcome
		return p.add(ctx, func(a ingest.Applier) (err error) {
			outs, err = a.Apply(ctx, b, tracegraph.ApplyOptions{})
			if err != nil {
				return fmt.Errorf("demo: apply: %w", err)
			}
			return nil
		}, func() error {
			for _, o := range outs {
				if o.Status == tracegraph.OutcomeRejected {
					rejected++
					if firstRejection == "" {
						firstRejection = fmt.Sprintf("event %q: %v", o.ID, o.Error)
					}
				}
			}
			applied += len(b)
			if time.Since(lastLog) >= 2*time.Second {
				lastLog = time.Now()
				log.Info("demo: loading", "events", applied, "events_per_s", int(float64(applied)/time.Since(began).Seconds()))
			}
			return nil
		})
	}
	sum, err := factory.Generate(ctx, cfg, func(ev *tracegraph.Event) error {
		batch = append(batch, ev)
		if len(batch) >= demoBatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if err == nil {
		err = flush()
	}
	if werr := p.wait(); err == nil {
		err = werr
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("demo: interrupted after %d events: %w", applied, ctx.Err())
		}
		return nil, err
	}
	if rejected > 0 {
		log.Warn("demo: some generated events were rejected", "rejected", rejected, "first", firstRejection)
	}
	log.Info("demo: loaded", "events", applied, "units", sum.Units, "took", time.Since(began).Round(time.Millisecond),
		"product", sum.Facts.Product, "imei", sum.Facts.ProductIMEI, "wafer_batch", sum.Facts.WaferBatch)
	return &sum.Facts, nil
}
