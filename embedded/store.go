package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/tracegraph/tracegraph"
)

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Clock gives recordedAt; default time.Now.
	Clock func() time.Time
	// CacheBytes is Pebble's block cache size (default 256 MiB).
	CacheBytes int64
	// MemTableBytes is Pebble's memtable size (default 64 MiB; 256 MiB
	// with Bulk).
	MemTableBytes uint64
	// MaxGroupEvents bounds the events one group commit gathers (default 20,000).
	MaxGroupEvents int
	// NodeCacheEntries bounds the decoded nodes kept in memory (default
	// 100,000; negative: none).
	NodeCacheEntries int
	// RecordCacheBytes bounds the node records kept in memory behind the
	// decoded nodes (default 128 MiB; negative: none, as with Bulk or a
	// negative NodeCacheEntries). See recCache.
	RecordCacheBytes int64
	// WarmRecords fills the record cache at open with the records of the
	// nodes, in key order, until it is full: a server's first queries then
	// read no node from Pebble. It reads up to RecordCacheBytes more at
	// open (about 0.5 s for the 58 MB of the 20,000-unit factory).
	WarmRecords bool
	// LineSideMemoBytes bounds the stations' decoded line sides the writer
	// keeps from group to group (tracegraph.LineSideMemo; default
	// tracegraph.DefaultLineSideMemoBytes, 16 MiB; negative: none kept
	// beyond a group and the one it is projected on).
	LineSideMemoBytes int
	// Logger receives Pebble's messages (default: discarded).
	Logger *slog.Logger
	// Bulk trades durability for speed while loading data that can be loaded
	// again (an import of files): no write-ahead log and no fsync per commit,
	// so Apply returns before its events are durable. Close (or Flush) makes
	// everything durable; a crash before that loses what was applied since the
	// last flush, and re-running the import restores it (events are
	// idempotent by id). Never serve with it. Its memory grows with the
	// load as the topology does (about 60 bytes a node and 40 an edge, and
	// the Go heap's room to collect) and a filter of the event ids (about
	// 1.2 bytes each); the rest is bounded: the node cache, the groups in
	// flight, the line-side memo, the memtables (at most 768 MiB) and the
	// block cache.
	Bulk bool
	// histFullBefore is the history mark of a new store (format.go; 0:
	// its first event): verify's replay of a store an older build wrote
	// stores the history entries that store holds.
	histFullBefore uint64
	// eventsInPlace keeps the event records' values in their sstables, as
	// stores were written before value separation (tests: opening a store
	// either way reads the same).
	eventsInPlace bool
}

// Store is the embedded store. It is safe for concurrent use.
type Store struct {
	db   *pebble.DB
	opts Options

	mu      sync.RWMutex // guards t, headSeq, headHash, headRecordedAt
	t       *topo
	par     parallelism // how recalls use several goroutines (zero: defaults)
	cache   *nodeCache
	headSeq uint64
	// persister and its twin stage and write the commits (commit.go).
	persister *persister
	// ids holds the store's event ids (idfilter.go); once idsFull, the
	// duplicate check reads Pebble only when it says "maybe". Guarded by mu.
	ids      *idFilter
	idsFull  bool
	idStop   chan struct{} // closed to stop the fill of ids (nil: none started; the writer's)
	idFill   chan struct{} // closed when the fill of ids has ended
	headHash string
	// headRecordedAt is the head event's record time: no commit records
	// its events earlier (tracegraph.RecordTime).
	headRecordedAt time.Time

	loading atomic.Bool // between BeginLoad and EndLoad: commits are not synced

	applyMu sync.RWMutex // Apply holds it shared while enqueueing; Close exclusively
	closed  bool
	reqs    chan *applyReq
	done    chan struct{}

	subsMu sync.Mutex
	subs   map[chan uint64]struct{}

	evTime evTimeIx // the event time index's mark and fill (eventtime.go)
	// histFrom is the history mark (format.go): the events from it on store
	// only the history entries their added edges do not imply.
	histFrom uint64
}

var (
	_ tracegraph.Store       = (*Store)(nil)
	_ tracegraph.Verifier    = (*Store)(nil)
	_ tracegraph.GraphReader = (*reader)(nil)
)

// ErrClosed is returned by calls on a closed Store.
var errClosed = tracegraph.Errorf(tracegraph.CodeInternal, "", "store is closed")

type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	if p.l != nil {
		p.l.Debug(fmt.Sprintf(format, args...))
	}
}
func (p pebbleLogger) Errorf(format string, args ...any) {
	if p.l != nil {
		p.l.Error(fmt.Sprintf(format, args...))
	}
}
func (p pebbleLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("pebble: "+format, args...))
}

// Open opens (or creates) the store in dir and rebuilds the topology in memory.
func Open(dir string, opts Options) (*Store, error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.CacheBytes == 0 {
		opts.CacheBytes = 256 << 20
	}
	if opts.MemTableBytes == 0 {
		opts.MemTableBytes = 64 << 20
		if opts.Bulk {
			opts.MemTableBytes = bulkMemTableBytes
		}
	}
	if opts.MaxGroupEvents == 0 {
		opts.MaxGroupEvents = 20_000
	}
	if opts.NodeCacheEntries == 0 {
		opts.NodeCacheEntries = 100_000
	}
	if opts.RecordCacheBytes == 0 {
		opts.RecordCacheBytes = 128 << 20
	}
	if opts.Bulk || opts.NodeCacheEntries < 0 {
		opts.RecordCacheBytes = -1
	}
	po := pebbleOptions(opts)
	defer po.Cache.Unref()
	db, err := pebble.Open(dir, po)
	if err != nil {
		return nil, openError(dir, err)
	}
	s := &Store{db: db, opts: opts, t: newTopo(), cache: newNodeCache(opts.NodeCacheEntries), reqs: make(chan *applyReq, 256),
		done: make(chan struct{}), subs: map[chan uint64]struct{}{}}
	if err := checkFormat(db); err != nil {
		db.Close()
		return nil, openError(dir, err)
	}
	if err := s.load(); err != nil {
		db.Close()
		return nil, openError(dir, err)
	}
	if err := s.ensureIndexes(); err != nil {
		db.Close()
		return nil, openError(dir, err)
	}
	if err := s.openEventTimeIndex(); err != nil {
		db.Close()
		return nil, openError(dir, err)
	}
	if err := s.openHistory(); err != nil {
		db.Close()
		return nil, openError(dir, err)
	}
	s.newIDFilterFor()
	s.cache.keepRecords(opts.RecordCacheBytes, s.t.lookup)
	if err := s.warmRecords(opts.WarmRecords); err != nil {
		db.Close()
		return nil, openError(dir, err)
	}
	s.persister = newPersister(s)
	go s.writer()
	s.startEventTimeFill()
	return s, nil
}

// openError says why the store in dir cannot be opened; for damaged files
// or records that cannot be decoded, it points to verify.
func openError(dir string, err error) error {
	var bad *badRecordError
	switch {
	case pebble.IsCorruptionError(err):
		return fmt.Errorf("open store in %s: its files are damaged (%s); tracegraph verify --data %s lists what is wrong", dir, damaged(err), dir)
	case errors.As(err, &bad):
		return fmt.Errorf("open store in %s: %w; tracegraph verify --data %s lists what is wrong", dir, err, dir)
	}
	return fmt.Errorf("open store in %s: %w", dir, err)
}

// badRecordError is a record that cannot be decoded.
type badRecordError struct {
	what string // e.g. `node index record "2"`
	err  error
}

func (e *badRecordError) Error() string {
	return fmt.Sprintf("%s cannot be decoded: %v", e.what, e.err)
}
func (e *badRecordError) Unwrap() error { return e.err }

// Pebble options of a bulk load (Options.Bulk), measured in
// docs/bench-write.md.
const (
	bulkMemTableBytes         = 256 << 20
	bulkL0CompactionThreshold = 64
)

// pebbleOptions returns the Pebble options of a store; the caller unrefs
// their cache once the database is open. Damaged files are reported as
// errors of the reads that find them (Pebble's default is to end the
// process).
func pebbleOptions(opts Options) *pebble.Options {
	logger := pebbleLogger{opts.Logger}
	po := &pebble.Options{
		Cache:              pebble.NewCache(opts.CacheBytes),
		MemTableSize:       opts.MemTableBytes,
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             logger,
		DisableWAL:         opts.Bulk,
		EventListener: &pebble.EventListener{
			DataCorruption: func(info pebble.DataCorruptionInfo) { logger.Errorf("%s", info) },
		},
	}
	if opts.Bulk {
		// A load flushes few, large memtables and leaves the compaction of
		// the level-0 files they make to the store's next Open: none stalls
		// the load meanwhile. Level 0 grows on disk, not in memory: Pebble
		// keeps at most MemTableStopWritesThreshold (2) memtables queued
		// and one for reuse (768 MiB at 256 MiB each) and the block cache
		// (CacheBytes) whatever the size of the load (docs/bench-write.md,
		// "Third pass").
		po.L0CompactionThreshold = bulkL0CompactionThreshold
		po.L0StopWritesThreshold = 1 << 20
	} else {
		tuneDurable(po)
	}
	for i := range po.Levels {
		// Bloom filters make the misses of the id and key checks cheap.
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	if !opts.eventsInPlace {
		separateEventValues(po)
	}
	return po
}

// load reads the head and rebuilds the topology from the node index, hold and
// edge records.
func (s *Store) load() error {
	seq, hash, err := readHead(s.db)
	if err != nil {
		return err
	}
	at, err := s.checkHeadEvent(seq, hash)
	if err != nil {
		return err
	}
	s.headSeq, s.headHash, s.headRecordedAt = seq, hash, at
	t := s.t
	err = s.scan([]byte{pNodeIx}, func(k, v []byte) error {
		l, st, fl, part, id, err := decodeNodeIx(v)
		if err == nil && (len(k) != 5 || int(l) >= len(tracegraph.Labels)) {
			err = fmt.Errorf("label code %d or key of %d bytes", l, len(k))
		}
		if err != nil {
			return &badRecordError{fmt.Sprintf("node index record %q", printable(k)), err}
		}
		want := binary.BigEndian.Uint32(k[1:])
		i := t.intern(id, tracegraph.Labels[l])
		if i != want {
			return fmt.Errorf("node index %d holds %s, which was interned as %d", want, id, i)
		}
		t.status[i], t.flags[i], t.part[i] = st, fl, t.internPart(part)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load nodes: %w", err)
	}
	err = s.scan([]byte{pHold}, func(k, _ []byte) error {
		id := k[1:]
		for j, c := range id {
			if c == separator {
				id = id[:j]
				break
			}
		}
		i, ok := t.lookup(tracegraph.ID(id))
		if !ok {
			return fmt.Errorf("hold on unknown node %s", id)
		}
		t.setHoldDelta(i, 1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load holds: %w", err)
	}
	n := uint32(t.nodeCount())
	err = s.scan([]byte{pEdge}, func(k, v []byte) error {
		r, err := decodeEdge(v)
		if err == nil && len(k) != 9 {
			err = fmt.Errorf("key of %d bytes", len(k))
		}
		if err != nil {
			return &badRecordError{fmt.Sprintf("edge record %q", printable(k)), err}
		}
		if r.src >= n || r.dst >= n {
			return fmt.Errorf("edge %x names node %d/%d of %d", k[1:], r.src, r.dst, n)
		}
		e := uint32(len(t.eid))
		t.eid = append(t.eid, tracegraph.EdgeID(binary.BigEndian.Uint64(k[1:])))
		t.er = append(t.er, edgeHot{src: r.src, dst: r.dst, from: r.from})
		t.emeta = append(t.emeta, r.meta)
		if r.meta&emClosed != 0 {
			t.eclose[e] = closing{to: r.to, by: r.closedBy}
		}
		if r.meta&emTypeMask == forOrderCode && r.meta&emVoided == 0 {
			t.order[r.src] = r.dst + 1
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load edges: %w", err)
	}
	t.renumber()
	return nil
}

// checkHeadEvent checks that the last event's record decodes and is the
// one the head names: the next event is chained to it.
func (s *Store) checkHeadEvent(seq uint64, hash string) (time.Time, error) {
	if seq == 0 {
		return time.Time{}, nil
	}
	raw, err := s.get(seqKey(pEvent, seq))
	if err != nil {
		return time.Time{}, fmt.Errorf("read the head event %d: %w", seq, err)
	}
	ev, err := tracegraph.UnmarshalRecord(raw)
	if err != nil {
		return time.Time{}, &badRecordError{fmt.Sprintf("the head event record %d", seq), err}
	}
	if ev.Hash != hash || ev.ComputeHash() != hash {
		return time.Time{}, &badRecordError{fmt.Sprintf("the head event record %d", seq), errors.New("its hash is not the head's")}
	}
	return ev.RecordedAt, nil
}

// scan calls f for every key with prefix p, in order.
func (s *Store) scan(p []byte, f func(k, v []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return err
		}
		if err := f(it.Key(), v); err != nil {
			it.Close()
			return err
		}
	}
	if err := it.Error(); err != nil {
		it.Close()
		return err
	}
	return it.Close()
}

// Ping implements tracegraph.Store.
func (s *Store) Ping(ctx context.Context) error {
	s.applyMu.RLock()
	defer s.applyMu.RUnlock()
	if s.closed {
		return errClosed
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{pMeta}, UpperBound: []byte{pMeta + 1}})
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	it.First()
	if err := it.Error(); err != nil {
		it.Close()
		return fmt.Errorf("ping: %w", err)
	}
	return it.Close()
}

// Close waits for in-flight Apply calls to finish, then closes the store.
func (s *Store) Close() error {
	s.applyMu.Lock()
	if s.closed {
		s.applyMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.reqs)
	s.applyMu.Unlock()
	<-s.done
	s.stopIDFilter()
	s.stopEventTimeFill()
	s.persister.close()
	s.subsMu.Lock()
	for ch := range s.subs {
		close(ch)
	}
	s.subs = nil
	s.subsMu.Unlock()
	if s.opts.Bulk {
		if err := s.db.Flush(); err != nil {
			s.db.Close()
			return fmt.Errorf("flush bulk load: %w", err)
		}
	}
	return s.db.Close()
}

// TopologyBytes reports the memory the in-memory topology holds for nodes
// (interned IDs, hash index, per-node arrays, adjacency offsets) and for
// edges (edge arrays and adjacency lists).
func (s *Store) TopologyBytes() (nodes, edges int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.t.memBytes()
}

// Flush makes everything applied so far durable (needed only with Bulk).
func (s *Store) Flush() error { return s.db.Flush() }

// Head implements tracegraph.EventLog.
func (s *Store) Head(ctx context.Context) (uint64, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.headSeq, s.headHash, nil
}

// Changes implements tracegraph.EventLog.
func (s *Store) Changes(ctx context.Context) <-chan uint64 {
	ch := make(chan uint64, 1)
	s.subsMu.Lock()
	if s.subs == nil {
		s.subsMu.Unlock()
		close(ch)
		return ch
	}
	s.subs[ch] = struct{}{}
	s.subsMu.Unlock()
	go func() {
		<-ctx.Done()
		s.subsMu.Lock()
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
		s.subsMu.Unlock()
	}()
	return ch
}

func (s *Store) notify(head uint64) {
	s.subsMu.Lock()
	defer s.subsMu.Unlock()
	for ch := range s.subs {
		select {
		case <-ch:
		default:
		}
		ch <- head
	}
}
