package tracegraph

// CheckContinues checks that sealed events, given in seq order, continue
// the log whose head is seq and hash: consecutive seqs, each event linked to
// the hash of the one before, each hash matching its content. It returns a
// CONFLICT error naming the first event that does not. Stores' Import
// methods (replaying another store's log with its seqs and hashes) use it.
func CheckContinues(events []*Event, seq uint64, hash string) error {
	for _, ev := range events {
		switch {
		case ev.Seq != seq+1:
			return Errorf(CodeConflict, "", "event %q has seq %d; the log continues at %d", ev.ID, ev.Seq, seq+1)
		case ev.PrevHash != hash:
			return Errorf(CodeConflict, "", "event %d (%q) does not link to the hash of event %d", ev.Seq, ev.ID, seq)
		case ev.ComputeHash() != ev.Hash:
			return Errorf(CodeConflict, "", "event %d (%q) has been altered: its hash does not match its content", ev.Seq, ev.ID)
		}
		seq, hash = ev.Seq, ev.Hash
	}
	return nil
}
