package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/server"
)

// ingestBatch is the events per acknowledged batch of the durable ingest
// figures: what a line's controller sends at once.
const ingestBatch = 50

// clientStreams generates each ingest client's own event stream (its own
// site code, so that streams never collide; run is a letter of the site
// code), normalized, before any clock starts.
func clientStreams(ctx context.Context, cfg *Config, run byte) ([][]*tracegraph.Event, error) {
	clients, perClient := cfg.ingestClients(), cfg.ingestEvents()
	streams := make([][]*tracegraph.Event, clients)
	for c := range clients {
		// about 18 events per unit: enough units, and generation stops at perClient
		fc := factory.Config{Units: perClient/10 + 10, Seed: cfg.Seed + uint64(c)}
		if clients > 1 || cfg.IngestSite != "" {
			if err := setSite(&fc, cfg.IngestSite, run, c); err != nil {
				return nil, err
			}
		}
		_, err := factory.Generate(ctx, fc, func(e *tracegraph.Event) error {
			if len(streams[c]) >= perClient {
				return errEnough
			}
			streams[c] = append(streams[c], e)
			return e.Normalize()
		})
		if err != nil && !errors.Is(err, errEnough) {
			return nil, err
		}
	}
	return streams, nil
}

var errEnough = errors.New("enough events")

func (c *Config) ingestClients() int {
	if c.IngestClients <= 0 {
		return 16
	}
	return c.IngestClients
}

func (c *Config) ingestEvents() int {
	if c.IngestEvents <= 0 {
		return 20_000
	}
	return c.IngestEvents
}

// ingestBodies encodes each client's stream as POST bodies of ingestBatch
// events: NDJSON for even clients, a JSON array for odd ones (the two forms
// POST /api/v1/events takes).
func ingestBodies(streams [][]*tracegraph.Event) ([][][]byte, int64, error) {
	bodies := make([][][]byte, len(streams))
	var size int64
	for c, st := range streams {
		for i := 0; i < len(st); i += ingestBatch {
			var b []byte
			var err error
			for j, e := range st[i:min(i+ingestBatch, len(st))] {
				switch {
				case c%2 == 1 && j == 0:
					b = append(b, '[')
				case c%2 == 1:
					b = append(b, ',')
				}
				if b, err = factory.AppendEvent(b, e); err != nil {
					return nil, 0, err
				}
				if c%2 == 0 {
					b = append(b, '\n')
				}
			}
			if c%2 == 1 {
				b = append(b, ']')
			}
			bodies[c] = append(bodies[c], b)
			size += int64(len(b))
		}
	}
	return bodies, size, nil
}

// ingestFigures measures durable ingest twice, each into its own fresh
// store: over HTTP (the real server on a loopback port, POST
// /api/v1/events) and through Store.Apply, clients each sending their own
// stream in batches of ingestBatch acknowledged only after fsync; beside one
// writer's write+fsync loop on the same disk, the floor.
func ingestFigures(ctx context.Context, cfg *Config) ([]*Figure, error) {
	streams, err := clientStreams(ctx, cfg, 'C')
	if err != nil {
		return nil, err
	}
	bodies, size, err := ingestBodies(streams) // before Apply seals the events
	if err != nil {
		return nil, err
	}
	total, batches := 0, 0
	for c := range streams {
		total += len(streams[c])
		batches += len(bodies[c])
	}
	fs, err := fsyncFloor(cfg.scratch(), int(size/int64(max(batches, 1))))
	if err != nil {
		return nil, fmt.Errorf("fsync floor: %w", err)
	}
	floorEPS := fs.perSecond() * ingestBatch
	floor := fmt.Sprintf("one writer's write+fsync loop on the same disk: %.0f fsyncs/s (%d bytes each) = %.0f events/s at %d per fsync",
		fs.perSecond(), size/int64(max(batches, 1)), floorEPS, ingestBatch)
	memory := inMemory(cfg.scratch())
	if memory {
		floor += " (the scratch directory is in memory, tmpfs or ramfs: fsync reaches no disk, so this floor and the ratio say nothing about durability; set TMPDIR to a directory on disk)"
	}
	cfg.logf("fsync floor: %s", floor)
	clients := len(streams)

	cfg.logf("durable ingest over HTTP: %d clients × %d events in batches of %d…", clients, cfg.ingestEvents(), ingestBatch)
	gc, restoreGC := servedGC() // the server runs with the collector setting of `tracegraph serve`
	httpLoad, err := ingestHTTP(ctx, cfg, bodies)
	restoreGC()
	if err != nil {
		return nil, err
	}
	if cfg.IngestSite != "" {
		// Both figures write to the same store (Neo4j's one database): the
		// Store.Apply clients send streams of other sites, or every event
		// would be a duplicate of the HTTP run's.
		if streams, err = clientStreams(ctx, cfg, 'S'); err != nil {
			return nil, err
		}
	}
	cfg.logf("durable ingest through Store.Apply…")
	storeLoad, err := ingestStore(ctx, cfg, streams)
	if err != nil {
		return nil, err
	}
	fig := func(name, gc string, l *ingestLoad) *Figure {
		eps := float64(total) / l.Elapsed.Seconds()
		perEvent := func(d time.Duration) string { return roundDur(d / time.Duration(max(total, 1))).String() }
		return &Figure{Name: name,
			Value: fmt.Sprintf("%.0f events/s (%d clients, batches of %d, %d events in %s; %s CPU per event%s; batch latency p50 %s, p99 %s)%s",
				eps, clients, ingestBatch, total, roundDur(l.Elapsed), perEvent(l.CPU), gc,
				roundDur(l.Quantile(0.5)), roundDur(l.Quantile(0.99)), l.settled(perEvent)),
			Floor: floor, Ratio: fsyncRatio(eps, floorEPS, memory),
			Target: "≥ 50,000 events/s, acknowledged after fsync", Met: eps >= 50_000}
	}
	return []*Figure{
		fig("durable ingest over HTTP (POST /api/v1/events, NDJSON and JSON arrays), acknowledged after fsync", ", "+gc, httpLoad),
		fig("durable ingest through Store.Apply (no HTTP), acknowledged after fsync", "", storeLoad),
	}, nil
}

// ingestLoad is an ingest row's load and the work it left behind it in
// the store, measured after the clock stopped (see settle).
type ingestLoad struct {
	*Load
	settleCPU, settleWall time.Duration
	settles               bool
}

// settled says what the store's work after the load cost, with perEvent
// giving a duration per event of the load; empty for a store that has none
// to wait for (Neo4j commits its writes before it answers).
func (l *ingestLoad) settled(perEvent func(time.Duration) string) string {
	if !l.settles {
		return ""
	}
	return fmt.Sprintf("; then Pebble's flush and compactions of what the load wrote, until none runs: %s CPU (%s per event) in %s, %s CPU per event with them",
		roundDur(l.settleCPU), perEvent(l.settleCPU), roundDur(l.settleWall), perEvent(l.CPU+l.settleCPU))
}

// settler is a store that can wait for the work a load of writes left
// behind it: the embedded store's Pebble flushes and compactions, which a
// store under a steady load pays as it goes, but which a load of a few
// seconds leaves mostly for after its clock stops.
type settler interface {
	Settle(ctx context.Context) error
}

// settle waits for s to settle after load, measuring the CPU and the time
// that takes, when s is a settler.
func settle(ctx context.Context, s tracegraph.Store, load *Load) (*ingestLoad, error) {
	l := &ingestLoad{Load: load}
	st, ok := s.(settler)
	if !ok {
		return l, nil
	}
	cpu0, t0 := CPUTime(), time.Now()
	if err := st.Settle(ctx); err != nil {
		return nil, fmt.Errorf("settle the store after the load: %w", err)
	}
	l.settleCPU, l.settleWall, l.settles = CPUTime()-cpu0, time.Since(t0), true
	return l, nil
}

// ingestHTTP posts each client's bodies to the real server over a fresh
// store, every event accepted, then lets the store settle.
func ingestHTTP(ctx context.Context, cfg *Config, bodies [][][]byte) (*ingestLoad, error) {
	s, done, err := cfg.OpenFresh(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	srv, err := Serve(server.Config{Store: s})
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	load, err := runStreams(bodies, func(body []byte) error {
		status, ans, err := srv.Post("/api/v1/events", "application/json", body)
		if err != nil {
			return err
		}
		if status != 200 || !bytes.Contains(ans, []byte(`"duplicates":0,`)) {
			return fmt.Errorf("POST /api/v1/events: %d %.300s", status, ans)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return settle(ctx, s, load)
}

// ingestStore applies each client's stream to a fresh store with
// Store.Apply, every event accepted, then lets the store settle.
func ingestStore(ctx context.Context, cfg *Config, streams [][]*tracegraph.Event) (*ingestLoad, error) {
	s, done, err := cfg.OpenFresh(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	batches := make([][][]*tracegraph.Event, len(streams))
	for c, st := range streams {
		for i := 0; i < len(st); i += ingestBatch {
			batches[c] = append(batches[c], st[i:min(i+ingestBatch, len(st))])
		}
	}
	load, err := runStreams(batches, func(b []*tracegraph.Event) error {
		outs, err := s.Apply(ctx, b, tracegraph.ApplyOptions{})
		if err != nil {
			return err
		}
		for _, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				return fmt.Errorf("ingest: event %q %s: %v", o.ID, o.Status, o.Error)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return settle(ctx, s, load)
}

// fsyncRatio compares events/s with the fsync loop's, or says why it does
// not when the loop ran in memory.
func fsyncRatio(eps, floorEPS float64, memory bool) string {
	if memory {
		return "none: fsync ran in memory"
	}
	return fmt.Sprintf("%.2f× the fsync loop's events/s", eps/floorEPS)
}

// fsyncFloor is one writer appending size bytes to a file in dir and
// syncing it, over and over, for at least two seconds and 100 syncs.
func fsyncFloor(dir string, size int) (rate, error) {
	f, err := os.CreateTemp(dir, "tracegraph-fsync-floor-")
	if err != nil {
		return rate{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := bytes.Repeat([]byte("tracegraph\n"), size/11+1)[:max(size, 1)]
	var r rate
	cpu0, t0 := CPUTime(), time.Now()
	for r.n < 100 || time.Since(t0) < 2*time.Second {
		if _, err := f.Write(buf); err != nil {
			return rate{}, err
		}
		if err := f.Sync(); err != nil {
			return rate{}, err
		}
		r.n++
	}
	r.wall, r.cp = time.Since(t0), CPUTime()-cpu0
	return r, nil
}
