package server

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest/epcis"
)

// epcisEvents answers GET /epcis/events: an EPCISQueryDocument of the
// events that match, in log order, perPage at a time, with a Link header
// (rel="next") to the next page when there may be more. A query that names
// EPCs reads the events of those nodes only (Graph.NodeEvents); one that
// names event IDs (EQ_eventID) reads those events; one that names neither
// reads the events of its windows (logQueryEach).
func (s *Server) epcisEvents(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := epcis.ParseQuery(c.QueryParams(), defaultEPCISPerPage, maxEPCISPerPage, s.epcisLookup(ctx))
	if err != nil {
		return s.fail(c, err)
	}
	names := s.newEPCISNames(ctx)
	var page []map[string]any
	var last uint64
	more := false
	// Events are rendered a part at a time, the nodes a part names read
	// first in one go (names.prefetch): a part is about a page, so a small
	// page reads little more than it shows.
	part := min(max(q.PerPage, 50), epcisScanBatch)
	add := func(evs []*tracegraph.Event) (bool, error) {
		evs = slices.DeleteFunc(slices.Clone(evs), func(ev *tracegraph.Event) bool { return ev.Seq <= q.After || !q.Maybe(ev) })
		for chunk := range slices.Chunk(evs, part) {
			if err := names.prefetch(chunk); err != nil {
				return false, err
			}
			for _, ev := range chunk {
				out, err := s.renderEPCIS(ctx, ev, names)
				if err != nil {
					return false, err
				}
				if !q.Match(ev, out, names) {
					continue
				}
				if len(page) == q.PerPage {
					more = true
					return false, nil
				}
				page, last = append(page, out), ev.Seq
			}
		}
		return true, nil
	}
	if ids := q.Nodes(); ids != nil {
		err = s.nodeEventsEach(ctx, ids, add)
	} else if len(q.EventID) > 0 {
		err = s.eventsEach(ctx, q.EventID, add)
	} else {
		var stopped uint64
		if stopped, err = s.logQueryEach(ctx, q, add); stopped > 0 && !more {
			more, last = true, stopped
		}
	}
	if err != nil {
		return s.fail(c, err)
	}
	if page == nil {
		page = []map[string]any{}
	}
	if more {
		next := c.QueryParams()
		next.Set("nextPageToken", strconv.FormatUint(last, 10))
		c.Response().Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next"`, c.Request().URL.Path, next.Encode()))
	}
	return s.jsonLD(c, http.StatusOK, map[string]any{
		"@context": epcis.Context, "type": "EPCISQueryDocument", "schemaVersion": "2.0",
		"creationDate": s.now().UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		"epcisBody": map[string]any{"queryResults": map[string]any{
			"queryName": "SimpleEventQuery", "resultsBody": map[string]any{"eventList": page}}},
	})
}

// nodeEventsEach calls f on the events of the nodes, in log order, each
// once, until f says stop: each node's own events (Graph.NodeEvents), and
// the events that linked something to it or unlinked it (the edges into
// it, closed ones too), which NodeEvents may leave out for shared material:
// a lot's consumptions.
func (s *Server) nodeEventsEach(ctx context.Context, ids []tracegraph.ID, f func([]*tracegraph.Event) (bool, error)) error {
	var all []*tracegraph.Event
	have := map[string]bool{}
	for _, id := range ids {
		evs, err := s.cfg.Store.NodeEvents(ctx, id)
		if tracegraph.AsError(err).Code == tracegraph.CodeNotFound {
			continue
		}
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if !have[ev.ID] {
				have[ev.ID] = true
				all = append(all, ev)
			}
		}
	}
	edges, err := s.cfg.Store.Edges(ctx, ids, tracegraph.EdgeQuery{Direction: tracegraph.Downstream, History: true})
	if err != nil {
		return err
	}
	for _, es := range edges {
		for _, e := range es {
			for _, id := range []string{e.Event, e.ClosedBy} {
				if id == "" || have[id] {
					continue
				}
				have[id] = true
				ev, err := s.cfg.Store.Event(ctx, id)
				if err != nil {
					return err
				}
				all = append(all, ev)
			}
		}
	}
	return inLogOrder(all, f)
}

// eventsEach calls f on the events of EPCIS eventIDs (those recorded), in
// log order, until f says stop.
func (s *Server) eventsEach(ctx context.Context, eventIDs []string, f func([]*tracegraph.Event) (bool, error)) error {
	var all []*tracegraph.Event
	for _, id := range eventIDs {
		ev, err := s.cfg.Store.Event(ctx, epcis.NativeID(id))
		if tracegraph.AsError(err).Code == tracegraph.CodeNotFound {
			continue
		}
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(all, func(e *tracegraph.Event) bool { return e.Seq == ev.Seq }) {
			all = append(all, ev)
		}
	}
	return inLogOrder(all, f)
}

// inLogOrder calls f on events in log order, epcisScanBatch at a time,
// until f says stop.
func inLogOrder(all []*tracegraph.Event, f func([]*tracegraph.Event) (bool, error)) error {
	slices.SortFunc(all, func(a, b *tracegraph.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	for chunk := range slices.Chunk(all, epcisScanBatch) {
		if ok, err := f(chunk); err != nil || !ok {
			return err
		}
	}
	return nil
}

// logEach calls f on the log's events after seq after (and before seq
// before, unless 0), in order and epcisScanBatch at a time, until f says
// stop, those events end, or it has read max events: then it returns the
// seq of the last one read (0 otherwise).
func (s *Server) logEach(ctx context.Context, after, before uint64, max int, f func([]*tracegraph.Event) (bool, error)) (uint64, error) {
	for read := 0; ; {
		evs, err := s.cfg.Store.Events(ctx, after, min(epcisScanBatch, max-read))
		if err != nil {
			return 0, err
		}
		n := len(evs)
		ended := before != 0 && n > 0 && evs[n-1].Seq >= before-1
		if ended {
			evs = slices.DeleteFunc(evs, func(ev *tracegraph.Event) bool { return ev.Seq >= before })
		}
		if ok, err := f(evs); err != nil || !ok || ended {
			return 0, err
		}
		if n > 0 {
			after = evs[n-1].Seq
		}
		if read += n; n == 0 || read < max && n < epcisScanBatch {
			return 0, nil
		}
		if read >= max {
			return after, nil
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
}
