package tracegraph

import (
	"unicode/utf8"
)

// recordReadsBack reports whether the stored encoding of e certainly reads
// back as e, which CheckRecord otherwise finds out by decoding it. That is so
// when:
//
//   - every string of the record is valid UTF-8 (encoding/json writes any
//     other byte as U+FFFD), and so reads back as it was;
//   - both times lie in the years 1 to 9999 (formatted in RFC 3339 in UTC,
//     they parse back as the same instant; outside, they do not parse);
//   - the data is JSON that encoding/json writes unchanged: json.Marshal
//     compacts a json.RawMessage and escapes <, >, & and U+2028/U+2029 in it,
//     so data with whitespace between its tokens or those characters reads
//     back as other bytes;
//   - the record is the encoding of the event's current fields: Seal made it
//     (the caller seals just before checking) or there is none yet.
//
// When it reports false, CheckRecord decodes the record as before: the
// answer is CheckRecord's, only faster for the events of every day.
func (e *Event) recordReadsBack() bool {
	if e.record != nil && e.plainRecord {
		// Seal checked the strings and the data as it wrote the record.
		return timesReadBack(e)
	}
	if len(e.Props) > 0 {
		return false // decoded: the props' strings too must read back
	}
	for _, s := range [...]string{e.ID, string(e.Type), e.Station, e.Operator, e.RecordedBy, e.PrevHash, e.Hash} {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return timesReadBack(e) && marshalsUnchanged(e.Data) && ValidJSON(e.Data)
}

// timesReadBack reports whether both times of e lie in the years 1 to 9999.
func timesReadBack(e *Event) bool {
	for _, t := range [...]int{e.Time.UTC().Year(), e.RecordedAt.UTC().Year()} {
		if t < 1 || t > 9999 {
			return false
		}
	}
	return true
}
