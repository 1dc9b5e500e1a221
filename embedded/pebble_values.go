package embedded

import (
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Value separation of the event records (docs/bench-write.md, "Sixth
// pass"). An event record (about 500 bytes of canonical JSON, written once
// and never changed) is nearly half the bytes a commit writes, and every
// compaction that moved it rewrote and compressed it again. With value
// separation a flush writes each record once into a blob file beside its
// sstable, and compactions move a handle of a few bytes instead. Reading a
// record costs one more block read (from the block cache when it is warm);
// only the log's readers pay it (Event, Events, verify, export), not the
// graph's.
//
// Every other key keeps its value in place: node records are rewritten as
// nodes change (the blob files would fill with garbage to rewrite) and are
// what the queries read, and the rest are small.
//
// It needs FormatValueSeparation, which FormatNewest is: every store this
// Pebble opened is at it already (Open ratchets the format), so a store
// made before keeps its files as they are and the blob files start with its
// next flush. A store with blob files still opens with value separation off
// (eventsInPlace): the policy only decides where new values go.
const (
	// eventValueMinBytes: an event record this long or longer goes to a
	// blob file (every one of the generated factory's: 365 bytes to 16 KB).
	eventValueMinBytes = 256
	// maxBlobReferenceDepth bounds the blob files an sstable's records may
	// point into before a compaction writes its values out again (Pebble's
	// own default, cmd/pebble).
	maxBlobReferenceDepth = 10
)

// separateEventValues sets po to write the event records' values to blob
// files and every other value in place.
func separateEventValues(po *pebble.Options) {
	po.Experimental.ValueSeparationPolicy = func() pebble.ValueSeparationPolicy {
		return pebble.ValueSeparationPolicy{
			Enabled:               true,
			MinimumSize:           eventValueMinBytes,
			MaxBlobReferenceDepth: maxBlobReferenceDepth,
			// Event records are never deleted or replaced, so blob files
			// hold no garbage to reclaim: never rewrite them for it.
			RewriteMinimumAge:  time.Hour,
			TargetGarbageRatio: 1.0,
		}
	}
	po.Experimental.SpanPolicyFunc = eventSpanPolicy
}

// eventSpanPolicy is the span policy of separateEventValues: the event
// records' span [e, f) as Pebble's policy says, everything else in place.
func eventSpanPolicy(start []byte) (pebble.SpanPolicy, []byte, error) {
	inPlace := pebble.SpanPolicy{ValueStoragePolicy: pebble.ValueStorageLowReadLatency}
	switch {
	case len(start) == 0 || start[0] < pEvent:
		return inPlace, []byte{pEvent}, nil
	case start[0] == pEvent:
		return pebble.SpanPolicy{}, []byte{pEvent + 1}, nil
	}
	return inPlace, nil, nil
}
