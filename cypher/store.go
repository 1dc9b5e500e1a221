package cypher

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// Config says how to reach Neo4j.
type Config struct {
	// URI is the Bolt URI, e.g. neo4j://localhost:7687 or bolt://host:7687.
	URI string
	// User and Password authenticate with basic auth. With neither, the
	// store connects without authentication; a password without a user is
	// the user neo4j's (the server's built-in administrator).
	User, Password string
	// Database is the database name ("": the server's default database).
	Database string
	// Now is the clock for recordedAt (nil: time.Now).
	Now func() time.Time
	// PollInterval is how often Changes looks for commits made by other
	// processes (0: one second).
	PollInterval time.Duration
	// GroupEvents bounds the events of one group commit: concurrent Apply
	// batches are committed together up to this many events (0:
	// DefaultGroupEvents). A batch larger than it is committed alone.
	GroupEvents int
}

// DefaultUser is the user a password without a user is for.
const DefaultUser = "neo4j"

// Store is a tracegraph.Store kept in Neo4j. It is safe for concurrent use.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	// bookmarks carries the bookmark of every committed transaction into
	// the sessions that follow, so that on a cluster (neo4j:// routing to
	// followers) a read after an acknowledged write sees it (causal
	// consistency). One per store: every session of the store shares it.
	bookmarks   neo4j.BookmarkManager
	q           queries
	now         func() time.Time
	poll        time.Duration
	groupEvents int
	// settled is the newest head seq read under the head lock, the read
	// before the next snapshot read (snapshot.go).
	settled settledHeads
	// perLevel makes walks read one level per query, as before lookahead
	// (expand.go), and a recall's walk read each node's holds as it goes
	// and its rollup read every unit's holders again, as before unitHolds
	// and walker.contained (recall.go): the old walk, kept for the
	// differential test.
	perLevel bool

	// gmu guards group, the batches waiting for group commit (group.go).
	gmu   sync.Mutex
	group groupQueue
	// lineSides keeps the stations' decoded line sides from group to group
	// (tracegraph.LineSideMemo, bounded): only the one committer running
	// (group.committing) uses it.
	lineSides *tracegraph.LineSideMemo

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
	subs     map[chan uint64]struct{}
	done     chan struct{}
}

var (
	_ tracegraph.Store    = (*Store)(nil)
	_ tracegraph.Verifier = (*Store)(nil)
)

// Open connects to Neo4j, checks that it answers and applies the schema
// (constraints and indexes, created only where missing, so Open is
// idempotent and safe to run from several processes at once).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("open neo4j: no URI")
	}
	if cfg.User == "" && cfg.Password != "" {
		cfg.User = DefaultUser
	}
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return nil, fmt.Errorf("open neo4j %s: %w", redact(cfg.URI), err)
	}
	q, err := loadQueries()
	if err != nil {
		driver.Close(ctx)
		return nil, err
	}
	s := &Store{driver: driver, db: cfg.Database, bookmarks: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{}),
		q: q, now: cfg.Now, poll: cfg.PollInterval, groupEvents: cfg.GroupEvents, lineSides: tracegraph.NewLineSideMemo(0),
		subs: map[chan uint64]struct{}{}, done: make(chan struct{})}
	if s.now == nil {
		s.now = time.Now
	}
	if s.poll <= 0 {
		s.poll = time.Second
	}
	if s.groupEvents <= 0 {
		s.groupEvents = DefaultGroupEvents
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		driver.Close(ctx)
		return nil, fmt.Errorf("open neo4j %s: %w", redact(cfg.URI), err)
	}
	if err := s.applySchema(ctx); err != nil {
		driver.Close(ctx)
		return nil, err
	}
	return s, nil
}

// redact drops credentials from a URI for messages.
func redact(uri string) string {
	if i := strings.Index(uri, "@"); i >= 0 {
		if j := strings.Index(uri, "://"); j >= 0 && j < i {
			return uri[:j+3] + "…" + uri[i:]
		}
	}
	return uri
}

// schemaWait bounds the wait for new indexes to come online at Open.
const schemaWait = 300

// applySchema creates the constraints and indexes that do not exist yet,
// one statement per transaction (Neo4j does not mix schema and data writes),
// then waits for them to be online.
func (s *Store) applySchema(ctx context.Context) error {
	for _, name := range s.q.schema() {
		err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
			_, err := s.exec(ctx, tx, name, nil)
			return err
		})
		if err != nil && !alreadyExists(err) {
			return fmt.Errorf("apply schema %s: %w", name, err)
		}
	}
	err := s.read(ctx, func(tx neo4j.ManagedTransaction) error {
		_, err := s.exec(ctx, tx, qSchemaAwait, map[string]any{"seconds": int64(schemaWait)})
		return err
	})
	if err != nil {
		return fmt.Errorf("wait for indexes: %w", err)
	}
	return nil
}

// alreadyExists reports a schema error raised when another process created
// the same constraint or index between our check and our create.
func alreadyExists(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && strings.HasSuffix(ne.Code, "AlreadyExists")
}

// enter registers an operation that Close must wait for.
func (s *Store) enter() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("neo4j store is closed")
	}
	s.inflight.Add(1)
	return nil
}

func (s *Store) leave() { s.inflight.Done() }

// Close waits for in-flight calls, ends Changes subscriptions and closes the
// driver.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	s.inflight.Wait()
	return s.driver.Close(context.Background())
}

// Ping runs a trivial query on the store's database.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	err := s.read(ctx, func(tx neo4j.ManagedTransaction) error {
		_, err := s.exec(ctx, tx, qPing, nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("ping neo4j: %w", err)
	}
	return nil
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode, BookmarkManager: s.bookmarks})
}

// read runs fn in a read transaction, retried by the driver on transient
// failures: fn must set its results afresh on every call.
func (s *Store) read(ctx context.Context, fn func(tx neo4j.ManagedTransaction) error) error {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return nil, fn(tx) })
	return err
}

// write runs fn in a write transaction, retried like read.
func (s *Store) write(ctx context.Context, fn func(tx neo4j.ManagedTransaction) error) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return nil, fn(tx) })
	return err
}

// exec runs the named query and returns every record.
func (s *Store) exec(ctx context.Context, tx runner, name string, params map[string]any) ([]*neo4j.Record, error) {
	text, err := s.q.text(name)
	if err != nil {
		return nil, err
	}
	res, err := tx.Run(ctx, text, params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return recs, nil
}

// each runs the named query and calls fn for each record as it streams.
func (s *Store) each(ctx context.Context, tx runner, name string, params map[string]any, fn func(*neo4j.Record) error) error {
	text, err := s.q.text(name)
	if err != nil {
		return err
	}
	res, err := tx.Run(ctx, text, params)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for res.Next(ctx) {
		if err := fn(res.Record()); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// run executes a planned statement and checks its count. Its parameters
// reach the query inside the map $batch (see batchParams).
func (s *Store) run(ctx context.Context, tx neo4j.ManagedTransaction, st statement) error {
	recs, err := s.exec(ctx, tx, st.query, batchParams(st.params))
	if err != nil {
		return err
	}
	if st.want < 0 {
		return nil
	}
	n, err := single[int64](recs, "n")
	if err != nil {
		return fmt.Errorf("%s: %w", st.query, err)
	}
	if int(n) != st.want {
		return fmt.Errorf("%s changed %d of %d rows: the graph does not match the projection", st.query, n, st.want)
	}
	return nil
}

// single returns the value of key in the only record.
func single[T any](recs []*neo4j.Record, key string) (T, error) {
	var zero T
	if len(recs) != 1 {
		return zero, fmt.Errorf("%d records, want 1", len(recs))
	}
	return value[T](recs[0], key)
}

// value returns the value of key in rec; a null is T's zero value.
func value[T any](rec *neo4j.Record, key string) (T, error) {
	var zero T
	v, ok := rec.Get(key)
	if !ok {
		return zero, fmt.Errorf("no column %s", key)
	}
	if v == nil {
		return zero, nil
	}
	t, ok := v.(T)
	if !ok {
		return zero, fmt.Errorf("column %s is %T, want %T", key, v, zero)
	}
	return t, nil
}

// Changes sends the head seq after each commit of this store and, polling,
// of other processes, until ctx ends or the store closes. A slow receiver
// misses intermediate values, never the latest.
func (s *Store) Changes(ctx context.Context) <-chan uint64 {
	out := make(chan uint64)
	local := make(chan uint64, 1)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		close(out)
		return out
	}
	s.subs[local] = struct{}{}
	s.mu.Unlock()
	// The head as of subscribing, read before returning: every commit after
	// Changes returns is sent.
	last, _, err := s.Head(ctx)
	if err != nil {
		last = 0
	}
	go func() {
		defer close(out)
		defer func() {
			s.mu.Lock()
			delete(s.subs, local)
			s.mu.Unlock()
		}()
		tick := time.NewTicker(s.poll)
		defer tick.Stop()
		var pending uint64
		for {
			var send chan uint64
			if pending > 0 {
				send = out
			}
			select {
			case <-ctx.Done():
				return
			case <-s.done:
				return
			case seq := <-local:
				if seq > last {
					last, pending = seq, seq
				}
			case <-tick.C:
				if seq, _, err := s.Head(ctx); err == nil && seq > last {
					last, pending = seq, seq
				}
			case send <- pending:
				pending = 0
			}
		}
	}()
	return out
}

// notify tells Changes subscribers of a new head, dropping an older value
// that was not yet taken.
func (s *Store) notify(seq uint64) {
	s.settled.committed(seq)
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- seq:
		default:
			select {
			case <-ch:
			default:
			}
			select {
			case ch <- seq:
			default:
			}
		}
	}
}
