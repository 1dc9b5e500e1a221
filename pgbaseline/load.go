package pgbaseline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/tracegraph/tracegraph"
)

// Source is where the topology comes from: every node and every edge a
// traversal may see, as *embedded.Store's ExportTopology hands them out. node
// indexes are the ids that edges refer to.
type Source interface {
	ExportTopology(ctx context.Context,
		nodes func(index uint32, id tracegraph.ID, label tracegraph.Label, status string) error,
		edges func(src, dst uint32, t tracegraph.EdgeType, p tracegraph.Precision, validFrom, validTo time.Time, voided bool) error,
	) error
}

// Unit status codes of the nodes.status column.
const (
	statusNone int16 = iota
	statusWIP
	statusCompleted
	statusShipped
	statusScrapped
)

func statusCode(s string) int16 {
	switch s {
	case tracegraph.StatusWIP:
		return statusWIP
	case tracegraph.StatusCompleted:
		return statusCompleted
	case tracegraph.StatusShipped:
		return statusShipped
	case tracegraph.StatusScrapped:
		return statusScrapped
	}
	return statusNone
}

func statusName(c int16) string {
	switch c {
	case statusWIP:
		return tracegraph.StatusWIP
	case statusCompleted:
		return tracegraph.StatusCompleted
	case statusShipped:
		return tracegraph.StatusShipped
	case statusScrapped:
		return tracegraph.StatusScrapped
	}
	return ""
}

// DB is a connection pool to the PostgreSQL database that holds the baseline.
// It is safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
	q    queries
}

// Open connects to the PostgreSQL database named by dsn (a URL such as
// postgres://user@host:5432/db or key=value pairs, as libpq takes them) and
// checks that it answers. Close releases it.
//
// Its sessions run with jit off unless the dsn sets jit: the recall query's
// estimated cost passes PostgreSQL's default jit_above_cost, and compiling
// its expressions took longer than running them (about 600 ms instead of 300
// ms for a recall of 4,000 units), as DBAs of OLTP-like workloads find.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres dsn: %w", err)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["jit"]; !ok {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{pool: pool, q: newQueries()}, nil
}

// Close closes every connection of the pool, waiting for queries in flight.
func (db *DB) Close() { db.pool.Close() }

const schemaSQL = `
DROP TABLE IF EXISTS edges, nodes;
CREATE TABLE nodes (
	id     bigint NOT NULL,
	gid    text NOT NULL,
	label  smallint NOT NULL,
	status smallint NOT NULL
);
CREATE TABLE edges (
	src        bigint NOT NULL,
	dst        bigint NOT NULL,
	type       smallint NOT NULL,
	precision  smallint NOT NULL,
	valid_from timestamptz NOT NULL,
	valid_to   timestamptz,
	voided     bool NOT NULL
);`

// indexSQL is built after the load (faster than maintaining the indexes row by
// row). Every hop of the recursive queries looks edges up by one end and a
// type; the INCLUDE columns make those lookups index-only scans. The hops
// check the label of the node they step onto, which the primary key index
// carries; start nodes are found by gid.
var indexSQL = []string{
	`ALTER TABLE nodes ADD PRIMARY KEY (id) INCLUDE (label, status)`,
	`ALTER TABLE nodes ADD CONSTRAINT nodes_gid_key UNIQUE (gid)`,
	`CREATE INDEX edges_src_type ON edges (src, type) INCLUDE (dst, precision, valid_to, voided)`,
	`CREATE INDEX edges_dst_type ON edges (dst, type) INCLUDE (src, precision, valid_to, voided)`,
}

// loadBatch is how many rows go from the exporting goroutine to COPY at once.
const loadBatch = 4096

type nodeRow struct {
	id            uint32
	gid           string
	label, status int16
}

type edgeRow struct {
	src, dst  uint32
	typ, prec int16
	from, to  time.Time
	voided    bool
}

// Load replaces the baseline's tables with the topology of src: it creates
// the tables, fills them with COPY while src exports, builds the indexes in
// the same transaction, then runs VACUUM ANALYZE (statistics for the planner
// and a visibility map for index-only scans). A failure leaves the previous
// tables as they were. Not safe to call concurrently with itself.
func (db *DB) Load(ctx context.Context, src Source) error {
	// The exporter runs beside COPY, handing rows over in batches. It owns
	// the channels and closes them when it returns; stopping it means
	// cancelling xctx and waiting for its result.
	xctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nodeCh := make(chan []nodeRow, 8)
	edgeCh := make(chan []edgeRow, 8)
	exported := make(chan error, 1)
	go func() { exported <- export(xctx, src, nodeCh, edgeCh) }()
	waited := false
	defer func() {
		if !waited {
			cancel()
			<-exported
		}
	}()

	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("load: acquire connection: %w", err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("load: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, schemaSQL); err != nil {
		return fmt.Errorf("load: create tables: %w", err)
	}

	var nrows []nodeRow
	next := 0
	row := make([]any, 7)
	nodes := pgx.CopyFromFunc(func() ([]any, error) {
		for next == len(nrows) {
			b, ok := <-nodeCh
			if !ok {
				return nil, nil
			}
			nrows, next = b, 0
		}
		r := &nrows[next]
		next++
		row = append(row[:0], int64(r.id), r.gid, r.label, r.status)
		return row, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"nodes"}, []string{"id", "gid", "label", "status"}, nodes); err != nil {
		return fmt.Errorf("load: copy nodes: %w", err)
	}
	var erows []edgeRow
	next = 0
	edges := pgx.CopyFromFunc(func() ([]any, error) {
		for next == len(erows) {
			b, ok := <-edgeCh
			if !ok {
				return nil, nil
			}
			erows, next = b, 0
		}
		r := &erows[next]
		next++
		var to any
		if !r.to.IsZero() {
			to = r.to
		}
		row = append(row[:0], int64(r.src), int64(r.dst), r.typ, r.prec, r.from, to, r.voided)
		return row, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"edges"},
		[]string{"src", "dst", "type", "precision", "valid_from", "valid_to", "voided"}, edges); err != nil {
		return fmt.Errorf("load: copy edges: %w", err)
	}
	// Both channels are closed: the export is over. Keep nothing if it failed.
	waited = true
	if err := <-exported; err != nil {
		return fmt.Errorf("load: %w", err)
	}
	for _, q := range indexSQL {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("load: %s: %w", q, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("load: commit: %w", err)
	}
	if _, err := conn.Exec(ctx, `VACUUM (ANALYZE) nodes, edges`); err != nil {
		return fmt.Errorf("load: vacuum analyze: %w", err)
	}
	return nil
}

// export runs src's export, sending rows in batches; it closes both channels
// when it returns.
func export(ctx context.Context, src Source, nodeCh chan<- []nodeRow, edgeCh chan<- []edgeRow) error {
	nodesOpen := true
	defer func() {
		if nodesOpen {
			close(nodeCh)
		}
		close(edgeCh)
	}()
	nb := make([]nodeRow, 0, loadBatch)
	eb := make([]edgeRow, 0, loadBatch)
	sendNodes := func() error {
		select {
		case nodeCh <- nb:
			nb = make([]nodeRow, 0, loadBatch)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	sendEdges := func() error {
		select {
		case edgeCh <- eb:
			eb = make([]edgeRow, 0, loadBatch)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// Nodes come first, then edges: the first edge ends the nodes' COPY.
	endNodes := func() error {
		if !nodesOpen {
			return nil
		}
		if len(nb) > 0 {
			if err := sendNodes(); err != nil {
				return err
			}
		}
		close(nodeCh)
		nodesOpen = false
		return nil
	}
	err := src.ExportTopology(ctx,
		func(index uint32, id tracegraph.ID, label tracegraph.Label, status string) error {
			if !nodesOpen {
				return errors.New("source exported a node after an edge")
			}
			nb = append(nb, nodeRow{id: index, gid: string(id), label: int16(label.Code()), status: statusCode(status)})
			if len(nb) == loadBatch {
				return sendNodes()
			}
			return nil
		},
		func(src, dst uint32, t tracegraph.EdgeType, p tracegraph.Precision, validFrom, validTo time.Time, voided bool) error {
			if err := endNodes(); err != nil {
				return err
			}
			eb = append(eb, edgeRow{src: src, dst: dst, typ: int16(t.Code()), prec: int16(p), from: validFrom, to: validTo, voided: voided})
			if len(eb) == loadBatch {
				return sendEdges()
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("export topology: %w", err)
	}
	if err := endNodes(); err != nil {
		return fmt.Errorf("export topology: %w", err)
	}
	if len(eb) > 0 {
		if err := sendEdges(); err != nil {
			return fmt.Errorf("export topology: %w", err)
		}
	}
	return nil
}
