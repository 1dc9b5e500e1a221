package cypher

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// readOp runs fn in a read transaction as a registered operation.
func (s *Store) readOp(ctx context.Context, what string, fn func(tx neo4j.ManagedTransaction) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	return opError(what, s.read(ctx, fn))
}

// opError is an operation's error: a domain error as it is (its code is
// the answer), anything else wrapped with what the operation was.
func opError(what string, err error) error {
	if err == nil {
		return nil
	}
	var de *tracegraph.Error
	if errors.As(err, &de) {
		return de
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Head implements tracegraph.EventLog.
func (s *Store) Head(ctx context.Context) (uint64, string, error) {
	var seq uint64
	var hash string
	err := s.readOp(ctx, "read head", func(tx neo4j.ManagedTransaction) error {
		recs, err := s.exec(ctx, tx, qHeadGet, nil)
		if err != nil {
			return err
		}
		n, err := single[int64](recs, "seq")
		if err != nil {
			return err
		}
		seq = uint64(n)
		hash, err = value[string](recs[0], "hash")
		return err
	})
	return seq, hash, err
}

// Events implements tracegraph.EventLog (limit <= 0: 1000).
func (s *Store) Events(ctx context.Context, after uint64, limit int) ([]*tracegraph.Event, error) {
	if limit <= 0 {
		limit = 1000
	}
	var out []*tracegraph.Event
	err := s.readOp(ctx, "read events", func(tx neo4j.ManagedTransaction) error {
		out = nil
		return s.each(ctx, tx, qEventsPage, map[string]any{"after": int64(after), "limit": int64(limit)}, func(rec *neo4j.Record) error {
			ev, err := eventFromRecord(rec)
			out = append(out, ev)
			return err
		})
	})
	return out, err
}

func eventFromRecord(rec *neo4j.Record) (*tracegraph.Event, error) {
	raw, err := value[string](rec, "record")
	if err != nil {
		return nil, err
	}
	return tracegraph.UnmarshalRecord([]byte(raw))
}

// Event implements tracegraph.EventLog.
func (s *Store) Event(ctx context.Context, id string) (*tracegraph.Event, error) {
	var ev *tracegraph.Event
	err := s.readOp(ctx, "read event", func(tx neo4j.ManagedTransaction) error {
		var err error
		ev, _, err = s.eventByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ev == nil {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "id", "no event with id %q", id)
	}
	return ev, nil
}

// Node implements tracegraph.Graph.
func (s *Store) Node(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	if _, _, err := tracegraph.ParseID(string(id)); err != nil {
		return nil, err
	}
	ns, err := s.Nodes(ctx, []tracegraph.ID{id})
	if err != nil {
		return nil, err
	}
	if ns[0] == nil {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "id", "%s does not exist", id)
	}
	return ns[0], nil
}

// Nodes implements tracegraph.Graph.
func (s *Store) Nodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	out := make([]*tracegraph.Node, len(ids))
	err := s.readOp(ctx, "read nodes", func(tx neo4j.ManagedTransaction) error {
		got, err := s.getNodes(ctx, tx, ids)
		if err != nil {
			return err
		}
		for i, id := range ids {
			out[i] = got[id].Clone() // a node asked twice is two nodes
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Lookup implements tracegraph.Graph: the nodes of
// tracegraph.LookupCandidates that exist and match the GTIN their code came
// with, each once, in that order; the candidates and their products are
// read in one query each.
func (s *Store) Lookup(ctx context.Context, code string) ([]*tracegraph.Node, error) {
	var out []*tracegraph.Node
	err := s.snapshotOp(ctx, "lookup", func(tx runner) error {
		out = nil
		cands, err := tracegraph.LookupCandidates(code, func(v string) ([]tracegraph.Identifier, error) {
			return s.identifierOwners(ctx, tx, v)
		})
		if err != nil {
			return err
		}
		ids := make([]tracegraph.ID, len(cands))
		for i, c := range cands {
			ids[i] = c.ID
		}
		got, err := s.readNodes(ctx, tx, ids)
		if err != nil {
			return err
		}
		var pids []tracegraph.ID
		for _, c := range cands {
			if n := got[c.ID]; n != nil && c.GTIN != "" {
				if pid := tracegraph.ProductOf(n); pid != "" {
					pids = append(pids, pid)
				}
			}
		}
		products := map[tracegraph.ID]*tracegraph.Node{}
		if len(pids) > 0 {
			if products, err = s.readNodes(ctx, tx, pids); err != nil {
				return err
			}
		}
		seen := map[tracegraph.ID]bool{}
		for _, c := range cands {
			n := got[c.ID]
			if n == nil || seen[c.ID] || !tracegraph.MatchesGTIN(n, products[tracegraph.ProductOf(n)], c.GTIN) {
				continue
			}
			seen[c.ID] = true
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// Edges implements tracegraph.Graph.
func (s *Store) Edges(ctx context.Context, ids []tracegraph.ID, q tracegraph.EdgeQuery) ([][]tracegraph.Edge, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := make([][]tracegraph.Edge, len(ids))
	err := s.readOp(ctx, "read edges", func(tx neo4j.ManagedTransaction) error {
		clear(out)
		expand := s.expander(tx, q.Types, tracegraph.PrecisionUnknown, tracegraph.AsOfOrNow(q.AsOf), q.History)
		uniq := slices.Clone(ids)
		slices.Sort(uniq)
		uniq = slices.Compact(uniq)
		var dirs []bool
		if q.Direction != tracegraph.Downstream {
			dirs = append(dirs, true)
		}
		if q.Direction != tracegraph.Upstream {
			dirs = append(dirs, false)
		}
		for _, up := range dirs {
			hops, err := expand(ctx, uniq, up)
			if err != nil {
				return err
			}
			for i, id := range ids {
				for _, h := range hops[id] {
					out[i] = append(out[i], h.edge)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// startNodes reads the start nodes of a traversal (NOT_FOUND for a missing
// one), in order.
func (s *Store) startNodes(ctx context.Context, tx runner, field string, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	got, err := s.readNodes(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*tracegraph.Node, len(ids))
	for i, id := range ids {
		if out[i] = got[id]; out[i] == nil {
			return nil, tracegraph.Errorf(tracegraph.CodeNotFound, field, "%s does not exist", id)
		}
	}
	return out, nil
}

// Trace implements tracegraph.Graph by the walk rules (tracegraph.RunTrace),
// one batched query per frontier.
func (s *Store) Trace(ctx context.Context, req tracegraph.TraceRequest) (*tracegraph.TraceResult, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var out *tracegraph.TraceResult
	err := s.snapshotOp(ctx, "trace", func(tx runner) error {
		w := s.walker(tx, tracegraph.NewEdgeFilter(req.EdgeTypes, req.AsOf, req.History, req.MinPrecision), req.MaxDepth, req.SkipEdges)
		starts, err := w.starts(ctx, "from", req.From, req.Direction != tracegraph.Downstream)
		if err != nil {
			return err
		}
		out, err = tracegraph.RunTrace(ctx, w, tracegraph.NewMarks(0), starts, &req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Explode implements tracegraph.Graph: the units and components inside id
// along CONTAINS edges valid at asOf, at any depth.
func (s *Store) Explode(ctx context.Context, id tracegraph.ID, asOf time.Time) (tracegraph.ExplodeResult, error) {
	if _, _, err := tracegraph.ParseID(string(id)); err != nil {
		return tracegraph.ExplodeResult{}, err
	}
	var out tracegraph.ExplodeResult
	err := s.snapshotOp(ctx, "explode", func(tx runner) error {
		w := s.walker(tx, tracegraph.NewEdgeFilter([]tracegraph.EdgeType{tracegraph.EdgeContains}, asOf, false, 0), tracegraph.MaxTraceDepth, true)
		starts, err := w.starts(ctx, "id", []tracegraph.ID{id}, true)
		if err != nil {
			return err
		}
		m := tracegraph.NewMarks(0)
		r, err := tracegraph.Walk(ctx, w, m, starts, tracegraph.WalkSpec{Up: true, MaxDepth: tracegraph.MaxTraceDepth})
		if err != nil {
			return err
		}
		nodes := make([]tracegraph.TraceNode, 0, len(r.Order))
		for _, i := range r.Order[1:] {
			if l := w.tab.nodes[i].label; l == tracegraph.LabelUnit || l == tracegraph.LabelComponent {
				tn := w.TraceNode(i)
				tn.Depth, tn.Precision, tn.Direction = m.Depth(i), tracegraph.PrecisionExact, tracegraph.Upstream
				nodes = append(nodes, tn)
			}
		}
		tracegraph.SortTraceNodes(nodes)
		out = tracegraph.ExplodeResult{}
		for _, n := range nodes {
			if err := out.Add(n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return tracegraph.ExplodeResult{}, err
	}
	return out, nil
}

// NodeEvents implements tracegraph.Graph (NOT_FOUND when the node never
// existed).
func (s *Store) NodeEvents(ctx context.Context, id tracegraph.ID) ([]*tracegraph.Event, error) {
	if _, _, err := tracegraph.ParseID(string(id)); err != nil {
		return nil, err
	}
	var out []*tracegraph.Event
	err := s.readOp(ctx, "read node events", func(tx neo4j.ManagedTransaction) error {
		out = []*tracegraph.Event{}
		err := s.each(ctx, tx, qNodeEvents, map[string]any{"id": string(id)}, func(rec *neo4j.Record) error {
			ev, err := eventFromRecord(rec)
			out = append(out, ev)
			return err
		})
		if err != nil || len(out) > 0 {
			return err
		}
		got, err := s.getNodes(ctx, tx, []tracegraph.ID{id})
		if err != nil {
			return err
		}
		if got[id] == nil {
			return tracegraph.Errorf(tracegraph.CodeNotFound, "id", "%s does not exist", id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// unitStatuses are the statuses a filter may ask for.
var unitStatuses = []string{tracegraph.StatusWIP, tracegraph.StatusCompleted, tracegraph.StatusShipped, tracegraph.StatusScrapped}

// Units implements tracegraph.Graph: units in the order they were first
// recorded, the cursor being that place.
func (s *Store) Units(ctx context.Context, f tracegraph.UnitFilter, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := page.Normalize(); err != nil {
		return nil, err
	}
	afterSeq, afterOrd, err := parseCursor(page.After)
	if err != nil {
		return nil, err
	}
	params := map[string]any{"prefix": f.SerialPrefix, "partNumber": nil, "workOrder": nil, "status": nil,
		"onHold": nil, "createdFrom": nil, "createdTo": nil}
	if f.PartNumber != "" {
		params["partNumber"] = f.PartNumber
	}
	if f.WorkOrder != "" {
		params["workOrder"] = f.WorkOrder
	}
	if f.Status != "" {
		st := strings.ToUpper(f.Status)
		if !slices.Contains(unitStatuses, st) {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "status", "status %q is not one of WIP, COMPLETED, SHIPPED, SCRAPPED", f.Status)
		}
		params["status"] = st
	}
	if f.OnHold != nil {
		params["onHold"] = *f.OnHold
	}
	if !f.CreatedFrom.IsZero() {
		params["createdFrom"] = instant(f.CreatedFrom)
	}
	if !f.CreatedTo.IsZero() {
		params["createdTo"] = instant(f.CreatedTo)
	}
	var out *tracegraph.UnitPage
	err = s.snapshotOp(ctx, "list units", func(tx runner) error {
		out = &tracegraph.UnitPage{}
		pageQuery, countQuery := unitQueries(params)
		recs, err := s.exec(ctx, tx, countQuery, params)
		if err != nil {
			return err
		}
		total, err := single[int64](recs, "n")
		if err != nil {
			return err
		}
		out.TotalCount = int(total)
		p := map[string]any{"afterSeq": afterSeq, "afterOrd": afterOrd, "limit": int64(page.First + 1)}
		for k, v := range params {
			p[k] = v
		}
		return s.each(ctx, tx, pageQuery, p, func(rec *neo4j.Record) error {
			n, err := nodeFromRecord(rec)
			if err != nil {
				return err
			}
			seq, err1 := value[int64](rec, "seq")
			ord, err2 := value[int64](rec, "ord")
			if err := firstError(err1, err2); err != nil {
				return err
			}
			out.Units = append(out.Units, n)
			out.Cursors = append(out.Cursors, cursor(seq, ord))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if len(out.Units) > page.First {
		out.Units, out.Cursors, out.HasNextPage = out.Units[:page.First], out.Cursors[:page.First], true
	}
	return out, nil
}

// cursor encodes a unit's place: "n<seq>.<ord>".
func cursor(seq, ord int64) string {
	return "n" + strconv.FormatInt(seq, 10) + "." + strconv.FormatInt(ord, 10)
}

// parseCursor decodes a cursor; "" is the place before the first unit.
func parseCursor(c string) (int64, int64, error) {
	if c == "" {
		return 0, -1, nil
	}
	bad := tracegraph.Errorf(tracegraph.CodeInvalid, "after", "cursor %q is not one this service gave out", c)
	a, b, ok := strings.Cut(strings.TrimPrefix(c, "n"), ".")
	if !ok || !strings.HasPrefix(c, "n") {
		return 0, 0, bad
	}
	seq, err1 := strconv.ParseInt(a, 10, 64)
	ord, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || seq < 0 || ord < 0 {
		return 0, 0, bad
	}
	return seq, ord, nil
}

// Stats implements tracegraph.Graph. Disk and memory are the server's
// business and left 0.
func (s *Store) Stats(ctx context.Context) (tracegraph.Stats, error) {
	st := tracegraph.Stats{Nodes: map[tracegraph.Label]int{}, Edges: map[tracegraph.EdgeType]int{}}
	err := s.snapshotOp(ctx, "stats", func(tx runner) error {
		clear(st.Nodes)
		clear(st.Edges)
		recs, err := s.exec(ctx, tx, qHeadGet, nil)
		if err != nil {
			return err
		}
		seq, err := single[int64](recs, "seq")
		if err != nil {
			return err
		}
		st.Events = uint64(seq)
		for _, q := range []string{qStatsNodes, qStatsEdges} {
			err := s.each(ctx, tx, q, nil, func(rec *neo4j.Record) error {
				name, err1 := value[string](rec, "name")
				n, err2 := value[int64](rec, "n")
				if err := firstError(err1, err2); err != nil {
					return err
				}
				if n == 0 {
					return nil
				}
				if q == qStatsNodes {
					st.Nodes[tracegraph.Label(name)] = int(n)
				} else {
					st.Edges[tracegraph.EdgeType(name)] = int(n)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return st, err
}
