package tracegraph

import (
	"maps"
	"slices"
	"time"
)

// The line side's property texts are written again by every feeder event
// (lineSide.save). These write jsonText's bytes without reflection when
// every string is plain (plainJSONString) and every time one
// time.Time.MarshalJSON writes; otherwise jsonText writes them
// (TestLineSideTextsEncodeAsJSON holds them to that).

// setupsText is jsonText(setups).
func setupsText(setups map[string]string) string {
	if setups == nil {
		return jsonText(setups)
	}
	w := plainWriter{b: make([]byte, 0, 64*len(setups)+2), ok: true}
	w.strMap(setups)
	return w.text(setups)
}

// activationsText is jsonText(acts).
func activationsText(acts []activation) string {
	if acts == nil {
		return jsonText(acts)
	}
	w := plainWriter{b: make([]byte, 0, 128*len(acts)+2), ok: true}
	w.open('[')
	for _, a := range acts {
		w.sep()
		w.open('{')
		w.field("setup", a.Setup)
		w.field("def", a.Def)
		w.key("from")
		w.time(a.From)
		w.field("event", a.Event)
		w.close('}')
	}
	w.close(']')
	return w.text(acts)
}

// feedersText is jsonText(feeders).
func feedersText(feeders map[string]*feeder) string {
	if feeders == nil {
		return jsonText(feeders)
	}
	w := plainWriter{b: make([]byte, 0, 256*len(feeders)+2), ok: true}
	w.open('{')
	for _, slot := range slices.Sorted(maps.Keys(feeders)) {
		w.mapKey(slot)
		f := feeders[slot]
		if f == nil {
			w.b = append(w.b, "null"...)
			continue
		}
		w.open('{')
		w.key("reels")
		if f.Reels == nil {
			w.b = append(w.b, "null"...)
		} else {
			w.open('[')
			for _, r := range f.Reels {
				w.sep()
				w.open('{')
				w.field("lot", string(r.Lot))
				w.field("load", r.Load)
				w.key("from")
				w.time(r.From)
				if !r.To.IsZero() {
					w.key("to")
					w.time(r.To)
				}
				w.optField("closedBy", r.ClosedBy)
				if r.Spliced {
					w.key("spliced")
					w.b = append(w.b, "true"...)
				}
				w.close('}')
			}
			w.close(']')
		}
		if !f.Since.IsZero() {
			w.key("since")
			w.time(f.Since)
		}
		w.close('}')
	}
	w.close('}')
	return w.text(feeders)
}

// time writes t as its MarshalJSON does (encoding/json calls it): its
// AppendText between quotes.
func (w *plainWriter) time(t time.Time) {
	b, err := t.AppendText(append(w.b, '"'))
	if err != nil {
		w.ok = false
		return
	}
	w.b = append(b, '"')
}

// text returns what was written, or jsonText(v) when the writer could not
// write it as encoding/json does.
func (w *plainWriter) text(v any) string {
	if !w.ok {
		return jsonText(v)
	}
	return string(w.b)
}
