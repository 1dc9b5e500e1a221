package tracegraph

import (
	"fmt"
	"strconv"
	"strings"
)

// ChainChecker checks a log's events, given in seq order from the first, for
// breaks of the hash chain: a gap in the seqs, a prevHash that is not the hash
// of the event before, or content that does not match its hash (an altered
// record). Stores' Verify methods use it so that the chain has one definition.
type ChainChecker struct {
	next   uint64
	prev   string
	expect Anchor
}

// Anchor is a point of the hash chain: an event's seq and hash, such as a
// head handed to a customer. Its text form is "SEQ:HASH".
type Anchor struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// String returns "SEQ:HASH".
func (a Anchor) String() string { return fmt.Sprintf("%d:%s", a.Seq, a.Hash) }

// ParseAnchor parses "SEQ:HASH" (an INVALID error naming field otherwise).
func ParseAnchor(field, s string) (Anchor, error) {
	seq, hash, ok := strings.Cut(s, ":")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || err != nil || n == 0 || len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return Anchor{}, Errorf(CodeInvalid, field, "%s %q is not SEQ:HASH (a seq from 1 and 64 lower-case hex digits, as GET /api/v1/head gives)", field, s)
	}
	return Anchor{Seq: n, Hash: hash}, nil
}

// Expect makes the checker require the chain to pass through a: see Finish.
func (c *ChainChecker) Expect(a Anchor) { c.expect = a }

// Check checks the next event and returns what is wrong with it (none when
// it continues the chain intact).
func (c *ChainChecker) Check(ev *Event) []string {
	if c.next == 0 {
		c.next = 1
	}
	var problems []string
	if ev.Seq != c.next {
		problems = append(problems, fmt.Sprintf("event seq %d follows %d: the log has a gap", ev.Seq, c.next-1))
	}
	if ev.PrevHash != c.prev {
		problems = append(problems, fmt.Sprintf("event %d (%q): prevHash %.12s… does not match the hash of event %d", ev.Seq, ev.ID, ev.PrevHash, ev.Seq-1))
	}
	if ev.ComputeHash() != ev.Hash {
		problems = append(problems, fmt.Sprintf("event %d (%q): its content does not match its hash (altered record)", ev.Seq, ev.ID))
	}
	if c.expect.Seq != 0 && ev.Seq == c.expect.Seq && ev.Hash != c.expect.Hash {
		problems = append(problems, fmt.Sprintf("event %d (%q) has hash %s, the expected head %s: this is not the log that head was taken from", ev.Seq, ev.ID, ev.Hash, c.expect))
	}
	c.prev, c.next = ev.Hash, ev.Seq+1
	return problems
}

// Finish returns what is wrong once every event was checked: the log ends
// before the expected head.
func (c *ChainChecker) Finish() []string {
	if _, next := c.Last(); c.expect.Seq != 0 && c.expect.Seq >= next {
		return []string{fmt.Sprintf("the log ends at event %d, before the expected head %s", next-1, c.expect)}
	}
	return nil
}

// Last returns the hash of the last event checked ("" before any) and the
// seq the next event must have.
func (c *ChainChecker) Last() (hash string, next uint64) {
	if c.next == 0 {
		return c.prev, 1
	}
	return c.prev, c.next
}

// Unsealed returns the event as it was applied (id, type, time, station,
// operator, data and recordedBy), without what a store added: to apply it
// again.
func (e *Event) Unsealed() *Event {
	return &Event{ID: e.ID, Type: e.Type, Time: e.Time, Station: e.Station, Operator: e.Operator, Data: e.Data,
		RecordedBy: e.RecordedBy, payload: e.payload}
}

// CheckRecord checks that the stored encoding of the sealed event reads back
// as the same event. Stores call it on every event before they write it, so
// that a record that cannot be read, or reads as something else, is never
// written: one such record would break the log for good.
func (e *Event) CheckRecord() error {
	if e.recordReadsBack() {
		return nil
	}
	return e.checkRecordDecoding()
}

// checkRecordDecoding is CheckRecord the long way: encode, decode, compare.
func (e *Event) checkRecordDecoding() error {
	rec, err := e.MarshalRecord()
	if err != nil {
		return fmt.Errorf("event %q cannot be encoded: %w", e.ID, err)
	}
	back, err := UnmarshalRecord(rec)
	if err != nil {
		return fmt.Errorf("event %q would be stored as a record that cannot be read: %w", e.ID, err)
	}
	if !SameContent(back, e) || back.RecordedBy != e.RecordedBy || back.Seq != e.Seq || !back.RecordedAt.Equal(e.RecordedAt) ||
		back.PrevHash != e.PrevHash || back.Hash != e.Hash {
		return fmt.Errorf("event %q would be stored as a record that reads back differently", e.ID)
	}
	return nil
}
