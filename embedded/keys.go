package embedded

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/tracegraph/tracegraph"
)

// The Pebble key space. Node IDs, event ids and identifier values cannot hold
// control characters, so 0x00 separates parts.
//
//	e <seq:8>                  event record (canonical JSON, hash-chained)
//	i <event id>               <seq:8><voided by>
//	n <node id>                node record (binary, records.go; JSON before)
//	r <index:4>                node index record: label, status, flags, part number, node id
//	d <edge id:8>              edge record
//	h <node id> 0 <hold id>    hold on a node (JSON)
//	H <hold id> 0 <node id>    nodes carrying a hold
//	x <value> 0 <scheme>       identifier → node id
//	v <node id> 0 <seq:8>      the event seq changed the node; from the history
//	                           mark on, not when an edge it added implies it
//	                           (history.go)
//	m head                     <seq:8><hash>
//	m ix                       <version:1>: the p and s indexes are complete (index.go)
//	m evtime                   <seq:8><format:1>: every event from this seq on has
//	                           its t entry; the store's format (format.go; 8
//	                           bytes: format 1)
//	m hist                     <seq:8>: the history mark (format.go)
//	t <block:8> <sec:8> <ns:4> <seq:8>
//	                           event time index (eventtime.go): the event seq
//	                           happened at sec.ns (unix seconds with the sign bit
//	                           flipped, nanoseconds); block is seq>>evTimeBlockBits,
//	                           so that the events of a stretch of the log are in
//	                           time order and a time window is one seek per
//	                           stretch; value empty
//
// Secondary indexes for the analysts' questions (index.go writes them with
// the node records; values are empty):
//
//	p <prop> 0 <value> 0 <date code> 0 <node id>
//	                           a live lot, component or wafer batch by partNumber,
//	                           mpn, manufacturer, supplier or countryOfOrigin, its
//	                           date code (maybe empty) next so that "X with a
//	                           date-code range" is one range scan
//	p dateCode 0 <date code> 0 <node id>
//	                           the same by date code alone (non-empty ones)
//	s <field> 0 <value> 0 <at:8> <node id>
//	                           a live process record by station, recipe or step,
//	                           a live test record by testType, firmware or
//	                           checksum, in time order: at is the record's time
//	                           in unix nanoseconds with the sign bit flipped
//	s measurement 0 <test type> 0 <name> 0 <at:8> <node id>
//	                           a live test record by each measurement it holds;
//	                           value: per measurement of that name, flags
//	                           (low, high, failed) and value, low, high as
//	                           float64 bits (25 bytes)
const (
	pEvent    = 'e'
	pEventID  = 'i'
	pNode     = 'n'
	pNodeIx   = 'r'
	pEdge     = 'd'
	pHold     = 'h'
	pHeldBy   = 'H'
	pIdent    = 'x'
	pNodeEv   = 'v'
	pMeta     = 'm'
	headKey   = "mhead"
	separator = 0
)

// pEventTime, evTimeFromKey: the event time index (eventtime.go).
const (
	pEventTime    = 't'
	evTimeFromKey = "mevtime"
)

func seqKey(p byte, seq uint64) []byte { return appendSeqKey(make([]byte, 0, 9), p, seq) }

func appendSeqKey(k []byte, p byte, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append(k, p), seq)
}

func strKey(p byte, parts ...string) []byte {
	n := 1
	for _, s := range parts {
		n += len(s) + 1
	}
	return appendStrKey(make([]byte, 0, n), p, parts...)
}

func appendStrKey(k []byte, p byte, parts ...string) []byte {
	k = append(k, p)
	for i, s := range parts {
		if i > 0 {
			k = append(k, separator)
		}
		k = append(k, s...)
	}
	return k
}

func nodeIxKey(i uint32) []byte { return appendNodeIxKey(make([]byte, 0, 5), i) }

func appendNodeIxKey(k []byte, i uint32) []byte {
	return binary.BigEndian.AppendUint32(append(k, pNodeIx), i)
}

func nodeEvKey(id tracegraph.ID, seq uint64) []byte { return appendNodeEvKey(nil, id, seq) }

func appendNodeEvKey(k []byte, id tracegraph.ID, seq uint64) []byte {
	k = appendStrKey(k, pNodeEv, string(id), "")
	return binary.BigEndian.AppendUint64(k, seq)
}

// evTimeBlockBits sizes the stretches of the log (4,096 events) whose
// events the event time index keeps in time order.
const evTimeBlockBits = 12

// evTimeKeyLen is the length of an event time index key.
const evTimeKeyLen = 1 + 8 + 12 + 8

// appendEvTimeKey appends the event time index key of the event seq at t.
func appendEvTimeKey(k []byte, seq uint64, t time.Time) []byte {
	k = appendEvTimeSeek(k, seq>>evTimeBlockBits, t)
	return binary.BigEndian.AppendUint64(k, seq)
}

// appendEvTimeSeek appends the first key of block at time t or later.
func appendEvTimeSeek(k []byte, block uint64, t time.Time) []byte {
	k = binary.BigEndian.AppendUint64(append(k, pEventTime), block)
	return appendEvTime(k, t)
}

// appendEvTime appends t so that byte order is time order, for every
// time.Time (unix seconds with the sign bit flipped, then nanoseconds).
func appendEvTime(k []byte, t time.Time) []byte {
	k = binary.BigEndian.AppendUint64(k, uint64(t.Unix())^1<<63)
	return binary.BigEndian.AppendUint32(k, uint32(t.Nanosecond()))
}

// decodeEvTimeKey reads an event time index key: its block, the time part
// as it sorts, and the seq.
func decodeEvTimeKey(k []byte) (block uint64, at []byte, seq uint64, ok bool) {
	if len(k) != evTimeKeyLen || k[0] != pEventTime {
		return 0, nil, 0, false
	}
	return binary.BigEndian.Uint64(k[1:9]), k[9:21], binary.BigEndian.Uint64(k[21:]), true
}

// prefixEnd returns the first key after every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// encodeNodeIx encodes what topology rebuild needs of a node.
func encodeNodeIx(l tracegraph.Label, status, flags uint8, part string, id tracegraph.ID) []byte {
	return appendNodeIx(make([]byte, 0, 5+len(part)+len(id)), l, status, flags, part, id)
}

func appendNodeIx(b []byte, l tracegraph.Label, status, flags uint8, part string, id tracegraph.ID) []byte {
	b = append(b, uint8(l.Code()), status, flags&flVoided)
	b = binary.BigEndian.AppendUint16(b, uint16(len(part)))
	b = append(b, part...)
	return append(b, id...)
}

func decodeNodeIx(b []byte) (l uint8, status, flags uint8, part string, id tracegraph.ID, err error) {
	if len(b) < 5 {
		return 0, 0, 0, "", "", fmt.Errorf("node index record of %d bytes", len(b))
	}
	n := int(binary.BigEndian.Uint16(b[3:5]))
	if len(b) < 5+n {
		return 0, 0, 0, "", "", fmt.Errorf("node index record truncated")
	}
	return b[0], b[1], b[2], string(b[5 : 5+n]), tracegraph.ID(b[5+n:]), nil
}

// edgeRec is an edge as stored: what the topology needs, then the rest.
type edgeRec struct {
	meta     uint8
	src, dst uint32
	from, to int64 // unix nanoseconds; to 0 while open
	event    string
	closedBy string
	reason   string // why it was closed
	props    []byte // binary (appendProps) or, written before, JSON; may be empty
}

func encodeEdge(r *edgeRec) []byte {
	return appendEdge(make([]byte, 0, 31+len(r.event)+len(r.closedBy)+len(r.reason)+len(r.props)), r)
}

func appendEdge(b []byte, r *edgeRec) []byte {
	b = append(b, r.meta)
	b = binary.BigEndian.AppendUint32(b, r.src)
	b = binary.BigEndian.AppendUint32(b, r.dst)
	b = binary.BigEndian.AppendUint64(b, uint64(r.from))
	b = binary.BigEndian.AppendUint64(b, uint64(r.to))
	b = binary.BigEndian.AppendUint16(b, uint16(len(r.event)))
	b = append(b, r.event...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(r.closedBy)))
	b = append(b, r.closedBy...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(r.reason)))
	b = append(b, r.reason...)
	return append(b, r.props...)
}

func decodeEdge(b []byte) (*edgeRec, error) {
	if len(b) < 29 {
		return nil, fmt.Errorf("edge record of %d bytes", len(b))
	}
	r := &edgeRec{meta: b[0], src: binary.BigEndian.Uint32(b[1:5]), dst: binary.BigEndian.Uint32(b[5:9]),
		from: int64(binary.BigEndian.Uint64(b[9:17])), to: int64(binary.BigEndian.Uint64(b[17:25]))}
	p := 25
	n := int(binary.BigEndian.Uint16(b[p:]))
	p += 2
	if len(b) < p+n+2 {
		return nil, fmt.Errorf("edge record truncated")
	}
	r.event = string(b[p : p+n])
	p += n
	n = int(binary.BigEndian.Uint16(b[p:]))
	p += 2
	if len(b) < p+n+2 {
		return nil, fmt.Errorf("edge record truncated")
	}
	r.closedBy = string(b[p : p+n])
	p += n
	n = int(binary.BigEndian.Uint16(b[p:]))
	p += 2
	if len(b) < p+n {
		return nil, fmt.Errorf("edge record truncated")
	}
	r.reason = string(b[p : p+n])
	r.props = b[p+n:]
	return r, nil
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
