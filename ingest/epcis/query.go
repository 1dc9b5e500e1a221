package epcis

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Query is an EPCIS 2.0 events query (the REST binding's query parameters
// that tracegraph answers). Each list holds the nodes one of the
// parameter's EPCs may name; an event matches a parameter when it names any.
type Query struct {
	EPC      []tracegraph.ID // MATCH_epc: epcList, childEPCs, inputEPCList, outputEPCList
	ParentID []tracegraph.ID // MATCH_parentID
	AnyEPC   []tracegraph.ID // MATCH_anyEPC: any of the above, and quantity classes
	BizStep  []string        // EQ_bizStep
	From, To time.Time       // GE_eventTime, LT_eventTime (zero: open)
	PerPage  int
	// After is the seq the page starts after (nextPageToken).
	After uint64
}

// queryParams are the parameters ParseQuery reads.
var queryParams = []string{"MATCH_epc", "MATCH_parentID", "MATCH_anyEPC", "EQ_bizStep", "GE_eventTime", "LT_eventTime", "perPage", "nextPageToken"}

// ParseQuery reads query parameters (values of a parameter may repeat or be
// comma-separated). Unknown parameters and malformed values are INVALID,
// naming the parameter. lookup, when not nil, gives the nodes a GS1 key
// (SGTIN, LGTIN, SSCC, in any form) names in the store (Store.Lookup): an
// EPC parameter then also names those, so that an SSCC finds the box or
// pallet packed with it whatever its key.
func ParseQuery(v url.Values, defaultPerPage, maxPerPage int, lookup func(uri string) ([]tracegraph.ID, error)) (*Query, error) {
	q := &Query{PerPage: defaultPerPage}
	for k := range v {
		if !slices.Contains(queryParams, k) {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, k, "query parameter %s is not one tracegraph answers (%s)", clip(k), strings.Join(queryParams, ", "))
		}
	}
	list := func(k string) []string {
		var out []string
		for _, s := range v[k] {
			for _, p := range strings.Split(s, ",") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
		}
		return out
	}
	nodes := func(k string) ([]tracegraph.ID, error) {
		var out []tracegraph.ID
		for _, u := range list(k) {
			t, err := parse(k, u)
			if err != nil {
				return nil, err
			}
			out = append(out, t.candidates()...)
			if _, gs1, err := tracegraph.ParseGS1Key(u); gs1 && err == nil && lookup != nil {
				ids, err := lookup(u)
				if err != nil {
					return nil, err
				}
				for _, id := range ids {
					if !slices.Contains(out, id) {
						out = append(out, id)
					}
				}
			}
		}
		return out, nil
	}
	var err error
	if q.EPC, err = nodes("MATCH_epc"); err != nil {
		return nil, err
	}
	if q.ParentID, err = nodes("MATCH_parentID"); err != nil {
		return nil, err
	}
	if q.AnyEPC, err = nodes("MATCH_anyEPC"); err != nil {
		return nil, err
	}
	for _, b := range list("EQ_bizStep") {
		q.BizStep = append(q.BizStep, shortVocab(b))
	}
	for k, dst := range map[string]*time.Time{"GE_eventTime": &q.From, "LT_eventTime": &q.To} {
		if s := v.Get(k); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s %q is not RFC 3339 (e.g. 2026-03-01T08:00:00Z)", k, clip(s))
			}
			*dst = t
		}
	}
	if s := v.Get("perPage"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPerPage {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "perPage", "perPage %q is not a whole number from 1 to %d", clip(s), maxPerPage)
		}
		q.PerPage = n
	}
	if s := v.Get("nextPageToken"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "nextPageToken", "nextPageToken %q is not one this service gave", clip(s))
		}
		q.After = n
	}
	return q, nil
}

// Nodes returns the nodes whose events can answer q (the EPC parameters'
// nodes, the most selective first), or nil when q names no EPC and the log
// must be read.
func (q *Query) Nodes() []tracegraph.ID {
	for _, ids := range [][]tracegraph.ID{q.EPC, q.ParentID, q.AnyEPC} {
		if len(ids) > 0 {
			return ids
		}
	}
	return nil
}

// MatchTime reports whether ev's time is in q's window.
func (q *Query) MatchTime(ev *tracegraph.Event) bool {
	return (q.From.IsZero() || !ev.Time.Before(q.From)) && (q.To.IsZero() || ev.Time.Before(q.To))
}

// Maybe reports whether ev may match q, from what is cheap to tell
// before rendering it: its time and bizStep.
func (q *Query) Maybe(ev *tracegraph.Event) bool {
	if !q.MatchTime(ev) {
		return false
	}
	// An event.voided renders as the event it voids.
	if len(q.BizStep) > 0 && ev.Type != tracegraph.EventVoided && !slices.Contains(q.BizStep, shortVocab(bizStep(ev, nil))) {
		return false
	}
	return true
}

// Match reports whether the rendered event (Render, with names) matches q.
func (q *Query) Match(ev *tracegraph.Event, rendered map[string]any, nm Names) bool {
	if !q.MatchTime(ev) {
		return false
	}
	if len(q.BizStep) > 0 {
		b, _ := rendered["bizStep"].(string)
		if !slices.Contains(q.BizStep, shortVocab(b)) {
			return false
		}
	}
	epcs := uris(rendered, "epcList", "childEPCs", "inputEPCList", "outputEPCList")
	parent := uris(rendered, "parentID")
	classes := classURIs(rendered, "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
	if len(q.EPC) > 0 && !names(epcs, q.EPC, nm) {
		return false
	}
	if len(q.ParentID) > 0 && !names(parent, q.ParentID, nm) {
		return false
	}
	if len(q.AnyEPC) > 0 && !names(slices.Concat(epcs, parent, classes), q.AnyEPC, nm) {
		return false
	}
	return true
}

// names reports whether any of the URIs names one of ids: the node nm
// named with it, else what the URI says.
func names(list []string, ids []tracegraph.ID, nm Names) bool {
	for _, u := range list {
		if nm != nil {
			if id, ok := nm.Node(u); ok {
				if slices.Contains(ids, id) {
					return true
				}
				continue
			}
		}
		t, err := parse("", u)
		if err != nil {
			continue
		}
		for _, c := range t.candidates() {
			if slices.Contains(ids, c) {
				return true
			}
		}
	}
	return false
}

func uris(m map[string]any, keys ...string) []string {
	var out []string
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			out = append(out, v)
		case []string:
			out = append(out, v...)
		}
	}
	return out
}

func classURIs(m map[string]any, keys ...string) []string {
	var out []string
	for _, k := range keys {
		if qs, ok := m[k].([]map[string]any); ok {
			for _, q := range qs {
				if s, ok := q["epcClass"].(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
