package epcis

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Query is an EPCIS 2.0 events query: the REST binding's query parameters
// that tracegraph answers (docs/epcis.md lists them). An event matches when
// it matches every parameter given; a parameter of several values matches
// when any does.
type Query struct {
	// EPCs holds the EPC parameters given (MATCH_epc, MATCH_anyEPCClass,
	// …), each with the nodes its EPCs may name.
	EPCs []EPCMatch
	// Words of the event: eventType, EQ_action, EQ_bizStep and
	// EQ_disposition (CBV words, however they were written), EQ_readPoint,
	// EQ_bizLocation, EQ_eventID (URIs as they are rendered).
	EventType, Action, BizStep, Disposition, ReadPoint, BizLocation, EventID []string
	From, To                                                                 time.Time // GE_eventTime, LT_eventTime (zero: open)
	RecordFrom, RecordTo                                                     time.Time // GE_recordTime, LT_recordTime
	PerPage                                                                  int
	// After is the seq the page starts after (nextPageToken).
	After uint64
}

// EPCMatch is one EPC parameter: the rendered fields it looks in and the
// nodes its EPCs may name.
type EPCMatch struct {
	Param string
	Nodes []tracegraph.ID
	where epcParam
}

// epcParam says where an EPC parameter looks: EPC fields (lists or
// parentID) and quantity lists (their epcClass).
type epcParam struct {
	name            string
	fields, classes []string
}

var (
	epcFields      = []string{"epcList", "childEPCs", "inputEPCList", "outputEPCList"}
	quantityFields = []string{"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}
)

// epcParams are the EPC parameters, the most selective first (Nodes takes
// the first given).
var epcParams = []epcParam{
	{"MATCH_epc", epcFields, nil},
	{"MATCH_parentID", []string{"parentID"}, nil},
	{"MATCH_inputEPC", []string{"inputEPCList"}, nil},
	{"MATCH_outputEPC", []string{"outputEPCList"}, nil},
	{"MATCH_epcClass", nil, []string{"quantityList", "childQuantityList"}},
	{"MATCH_inputEPCClass", nil, []string{"inputQuantityList"}},
	{"MATCH_outputEPCClass", nil, []string{"outputQuantityList"}},
	{"MATCH_anyEPCClass", nil, quantityFields},
	{"MATCH_anyEPC", append(slices.Clone(epcFields), "parentID"), quantityFields},
}

// eventTypes are the values eventType takes; actions EQ_action's.
var (
	eventTypes = []string{"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"}
	actions    = []string{"ADD", "OBSERVE", "DELETE"}
)

// otherParams are the parameters ParseQuery reads besides the EPC ones.
var otherParams = []string{"eventType", "EQ_action", "EQ_bizStep", "EQ_disposition", "EQ_readPoint", "EQ_bizLocation", "EQ_eventID",
	"GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "perPage", "nextPageToken"}

// Params lists the query parameters tracegraph answers.
func Params() []string {
	var out []string
	for _, p := range epcParams {
		out = append(out, p.name)
	}
	return append(out, otherParams...)
}

// ParseQuery reads query parameters (values of a parameter may repeat or be
// comma-separated). Unknown parameters and malformed values are INVALID,
// naming the parameter. lookup, when not nil, gives the nodes a GS1 key
// (SGTIN, LGTIN, SSCC, in any form) names in the store (Store.Lookup): an
// EPC parameter then also names those, so that an SSCC finds the box or
// pallet packed with it whatever its key.
func ParseQuery(v url.Values, defaultPerPage, maxPerPage int, lookup func(uri string) ([]tracegraph.ID, error)) (*Query, error) {
	q := &Query{PerPage: defaultPerPage}
	known := Params()
	for k := range v {
		if !slices.Contains(known, k) {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, k, "query parameter %s is not one tracegraph answers (%s)", clip(k), strings.Join(known, ", "))
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
	for _, p := range epcParams {
		uris := list(p.name)
		if len(uris) == 0 {
			continue
		}
		ids, err := epcNodes(p, uris, lookup)
		if err != nil {
			return nil, err
		}
		q.EPCs = append(q.EPCs, EPCMatch{Param: p.name, Nodes: ids, where: p})
	}
	words := func(k string, allowed []string, short bool) ([]string, error) {
		var out []string
		for _, w := range list(k) {
			if short {
				w = shortVocab(w)
			}
			if allowed != nil && !slices.Contains(allowed, w) {
				return nil, tracegraph.Errorf(tracegraph.CodeInvalid, k, "%s %q is not one of %s", k, clip(w), strings.Join(allowed, ", "))
			}
			out = append(out, w)
		}
		return out, nil
	}
	for _, w := range []struct {
		param   string
		dst     *[]string
		allowed []string
		short   bool
	}{
		{"eventType", &q.EventType, eventTypes, false},
		{"EQ_action", &q.Action, actions, false},
		{"EQ_bizStep", &q.BizStep, nil, true},
		{"EQ_disposition", &q.Disposition, nil, true},
		{"EQ_readPoint", &q.ReadPoint, nil, false},
		{"EQ_bizLocation", &q.BizLocation, nil, false},
		{"EQ_eventID", &q.EventID, nil, false},
	} {
		var err error
		if *w.dst, err = words(w.param, w.allowed, w.short); err != nil {
			return nil, err
		}
	}
	for k, dst := range map[string]*time.Time{"GE_eventTime": &q.From, "LT_eventTime": &q.To, "GE_recordTime": &q.RecordFrom, "LT_recordTime": &q.RecordTo} {
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

// epcNodes is what the EPCs of parameter p may name: what each says (a
// class names a lot), and what lookup finds for a GS1 key.
func epcNodes(p epcParam, uris []string, lookup func(uri string) ([]tracegraph.ID, error)) ([]tracegraph.ID, error) {
	var out []tracegraph.ID
	for _, u := range uris {
		t, err := parse(p.name, u)
		if err != nil {
			return nil, err
		}
		if p.fields == nil { // classes only
			t = asClass(t)
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

// Nodes returns the nodes whose events can answer q (the EPC parameters'
// nodes, the most selective first), or nil when q names no EPC and the log
// must be read.
func (q *Query) Nodes() []tracegraph.ID {
	for _, m := range q.EPCs {
		if len(m.Nodes) > 0 {
			return m.Nodes
		}
	}
	return nil
}

// MatchTime reports whether ev's event and record times are in q's
// windows.
func (q *Query) MatchTime(ev *tracegraph.Event) bool {
	in := func(t, from, to time.Time) bool {
		return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
	}
	return in(ev.Time, q.From, q.To) && in(ev.RecordedAt, q.RecordFrom, q.RecordTo)
}

// Maybe reports whether ev may match q, from what is cheap to tell
// before rendering it: its times and bizStep.
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
	str := func(k string) string { s, _ := rendered[k].(string); return s }
	id := func(k string) string { m, _ := rendered[k].(map[string]string); return m["id"] }
	for _, w := range []struct {
		want []string
		got  string
	}{
		{q.EventType, str("type")},
		{q.Action, str("action")},
		{q.BizStep, shortVocab(str("bizStep"))},
		{q.Disposition, shortVocab(str("disposition"))},
		{q.ReadPoint, id("readPoint")},
		{q.BizLocation, id("bizLocation")},
		{q.EventID, str("eventID")},
	} {
		if len(w.want) > 0 && !slices.Contains(w.want, w.got) {
			return false
		}
	}
	for _, m := range q.EPCs {
		if !names(slices.Concat(uris(rendered, m.where.fields...), classURIs(rendered, m.where.classes...)), m.Nodes, nm) {
			return false
		}
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
