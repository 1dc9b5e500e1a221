package tracegraph

import (
	"maps"
	"slices"
	"strings"
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
	text, _, _ := writeFeeders(feeders, nil, 0, nil)
	return text
}

// feedersText is feedersText(ls.feeders), with the slots in order and where
// each slot's entry is in the text (nil when jsonText wrote it). The entry of
// a feeder ls still shares with from (the memo's state it was copied from,
// whose texts save wrote) is copied from from's text: the same feeder
// writes the same bytes.
func (ls *lineSide) feedersText(from *lineSideMemo) (string, []string, []textSpan) {
	if from == nil || from.spans == nil {
		return writeFeeders(ls.feeders, nil, 0, nil)
	}
	slots := from.slots
	if len(ls.newSlots) > 0 {
		slots = mergeSorted(slots, ls.newSlots)
	}
	return writeFeeders(ls.feeders, slots, len(from.feeders)+512, func(slot string, f *feeder) string {
		i, ok := slices.BinarySearch(from.slots, slot)
		if !ok || from.ls.feeders[slot] != f {
			return ""
		}
		return from.feeders[from.spans[i].from:from.spans[i].to]
	})
}

// mergeSorted returns the sorted slots with the slots added, in order.
func mergeSorted(sorted, added []string) []string {
	added = slices.Sorted(slices.Values(added))
	out := make([]string, 0, len(sorted)+len(added))
	for len(sorted) > 0 && len(added) > 0 {
		if sorted[0] < added[0] {
			out, sorted = append(out, sorted[0]), sorted[1:]
		} else {
			out, added = append(out, added[0]), added[1:]
		}
	}
	return append(append(out, sorted...), added...)
}

// writeFeeders writes feedersText(feeders) and where each slot's entry is.
// slots, if set, are feeders' keys in order; size, if set, is about the
// text's length; written, if set, returns the entry written already for
// the slot and its feeder f ("": none). The entries are written one by one
// and the text built from them (strings.Builder: not copied again).
func writeFeeders(feeders map[string]*feeder, slots []string, size int, written func(slot string, f *feeder) string) (string, []string, []textSpan) {
	if feeders == nil {
		return jsonText(feeders), nil, nil
	}
	if slots == nil {
		slots = slices.Sorted(maps.Keys(feeders))
	}
	if size == 0 {
		size = 256*len(feeders) + 2
	}
	spans := make([]textSpan, len(slots))
	var text strings.Builder
	text.Grow(size)
	text.WriteByte('{')
	w := plainWriter{ok: true}
	for i, slot := range slots {
		if i > 0 {
			text.WriteByte(',')
		}
		start := text.Len()
		f := feeders[slot]
		var entry string
		if written != nil {
			entry = written(slot, f)
		}
		if entry != "" {
			text.WriteString(entry)
		} else {
			w.b = w.b[:0]
			w.mapKey(slot)
			if f == nil {
				w.b = append(w.b, "null"...)
			} else {
				w.feeder(f)
			}
			text.Write(w.b)
		}
		spans[i] = textSpan{start, text.Len()}
	}
	text.WriteByte('}')
	if !w.ok {
		return jsonText(feeders), nil, nil
	}
	return text.String(), slots, spans
}

// feeder writes f as encoding/json does.
func (w *plainWriter) feeder(f *feeder) {
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
