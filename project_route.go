// The rules of routes: the tests a unit must have passed before it is packed
// or shipped (route.defined, interlock ROUTE).

package tracegraph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// routeVersion is one route.defined of a part number, kept so that voiding
// the latest brings back the one before.
type routeVersion struct {
	Requires []string  `json:"requires"`
	Event    string    `json:"event"`
	At       time.Time `json:"at"`
}

// Route props: requires (the tests in force), definedBy, definedAt and
// versions (every route.defined of the part number, oldest first).
func (tx *Tx) routeDefined(d *RouteDefined) error {
	n, err := tx.nodeOrNew(LabelRoute, d.PartNumber, map[string]any{"partNumber": d.PartNumber})
	if err != nil {
		return err
	}
	var vs []routeVersion
	if err := fromProp(n, "versions", &vs); err != nil {
		return err
	}
	vs = append(vs, routeVersion{Requires: d.Requires, Event: tx.ev.ID, At: tx.now()})
	putRoute(tx, n, vs)
	return nil
}

// putRoute writes the route's versions and the one in force (the last).
func putRoute(tx *Tx, n *Node, vs []routeVersion) {
	cur := vs[len(vs)-1]
	n.Props["versions"] = jsonValue(vs)
	n.Props["requires"] = toAny(cur.Requires)
	n.Props["definedBy"] = cur.Event
	n.Props["definedAt"] = ts(cur.At)
	tx.putNode(n)
}

// voidRoute takes the voided route.defined out of its route's versions.
func (tx *Tx) voidRoute(ev *Event, d *RouteDefined) error {
	n, err := tx.exists(NewID(LabelRoute, d.PartNumber))
	if err != nil || n == nil {
		return err
	}
	var vs []routeVersion
	if err := fromProp(n, "versions", &vs); err != nil {
		return err
	}
	vs = slices.DeleteFunc(vs, func(v routeVersion) bool { return v.Event == ev.ID })
	if len(vs) == 0 {
		tx.voidNode(n.ID)
		return nil
	}
	putRoute(tx, n, vs)
	return nil
}

// routeComplete refuses (ROUTE) an item to pack or ship when a unit in it
// (itself, its children, or what a container holds) has not passed the
// latest run of every test its part number's route requires.
func (tx *Tx) routeComplete(field string, item *Node, contents []*Node) error {
	for _, n := range contents {
		if n.Label != LabelUnit {
			continue
		}
		gap, err := tx.routeGap(n)
		if err != nil {
			return err
		}
		if gap != "" {
			where := ""
			if n.ID != item.ID {
				where = fmt.Sprintf(" (inside %s)", item.ID)
			}
			return Errorf(CodeRoute, field, "%s%s has not completed the route of %s: %s", n.ID, where, n.Str("partNumber"), gap)
		}
	}
	return nil
}

// routeGap says what unit u lacks of its route ("" when complete or when
// its part number has no route): each required test type missing or whose
// latest result failed.
func (tx *Tx) routeGap(u *Node) (string, error) {
	r, err := tx.ViewNode(tx.ctx, NewID(LabelRoute, u.Str("partNumber")))
	if err != nil || r == nil {
		return "", err
	}
	es, err := tx.SelectEdges(tx.ctx, u.ID, EdgeSelect{Dir: Upstream, Type: EdgeTestedBy})
	if err != nil {
		return "", err
	}
	type run struct {
		n  *Node
		at time.Time
	}
	latest := map[string]run{}
	for _, e := range es {
		t, err := tx.ViewNode(tx.ctx, e.Target)
		if err != nil {
			return "", err
		}
		if t == nil {
			continue
		}
		typ, at := t.Str("testType"), t.Time("at")
		if l, ok := latest[typ]; !ok || cmp.Or(at.Compare(l.at), cmp.Compare(t.Version, l.n.Version)) > 0 {
			latest[typ] = run{t, at}
		}
	}
	var gaps []string
	reqs, _ := r.Props["requires"].([]any)
	for _, q := range reqs {
		typ, _ := q.(string)
		switch t := latest[typ].n; {
		case t == nil:
			gaps = append(gaps, typ+" missing")
		case t.Str("result") != ResultPass:
			gaps = append(gaps, fmt.Sprintf("%s failed (%s at %s)", typ, t.ID, t.Str("at")))
		}
	}
	return strings.Join(gaps, ", "), nil
}
