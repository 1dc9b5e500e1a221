package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// The secondary indexes of the analysts' questions (see the key space in
// keys.go): material by its receipt properties (p), process and test records
// by what they are asked by, in time order (s). Entries are derived from node
// records alone, written and deleted with them in the same batch.
const (
	pMaterialIx = 'p'
	pRecordIx   = 's'
	// ixKey marks a store whose p and s indexes are complete; its value is
	// ixVersion. A store without it (made before the indexes existed) gets
	// them rebuilt once at Open.
	ixKey     = "mix"
	ixVersion = 2 // 2: measurements of test records
)

// Material properties indexed under p, with dateCode as the last part.
var materialIxProps = []string{"partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin"}

const propDateCode = "dateCode"

// Record index fields under s.
const (
	fStation  = "station"  // ProcessStep
	fRecipe   = "recipe"   // ProcessStep
	fStep     = "step"     // ProcessStep
	fTestType = "testType" // TestRun
	fFirmware = "firmware" // TestRun: firmware version
	fChecksum = "checksum" // TestRun: firmware checksum
	// fMeasure indexes each measurement of a TestRun under its test type
	// and name (value "<testType> 0 <name>"); the entry's value holds the
	// measurements of that name in the record (see measureValue).
	fMeasure = "measurement"
)

// ixEntry is one index entry.
type ixEntry struct{ k, v []byte }

// Measurement entry values: per measurement of the name, a flags byte and
// the value, low and high limits as float64 bits.
const (
	mHasLow = 1 << iota
	mHasHigh
	mFailed
)

const mLen = 25 // bytes per measurement

// measureValue encodes a measurement (a Props map) for a measurement entry;
// false when it has no numeric value.
func measureValue(b []byte, m map[string]any) ([]byte, bool) {
	v, ok := m["value"].(float64)
	if !ok {
		return b, false
	}
	var flags uint8
	low, hasLow := m["low"].(float64)
	high, hasHigh := m["high"].(float64)
	if hasLow {
		flags |= mHasLow
	}
	if hasHigh {
		flags |= mHasHigh
	}
	if r, _ := m["result"].(string); r == tracegraph.ResultFail {
		flags |= mFailed
	}
	b = append(b, flags)
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(v))
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(low))
	return binary.BigEndian.AppendUint64(b, math.Float64bits(high)), true
}

// measurements decodes a measurement entry's value.
func measurements(name string, b []byte) ([]tracegraph.Measurement, error) {
	if len(b)%mLen != 0 {
		return nil, fmt.Errorf("measurement index value of %d bytes", len(b))
	}
	out := make([]tracegraph.Measurement, 0, len(b)/mLen)
	for ; len(b) > 0; b = b[mLen:] {
		m := tracegraph.Measurement{Name: name, Value: math.Float64frombits(binary.BigEndian.Uint64(b[1:9]))}
		if b[0]&mHasLow != 0 {
			low := math.Float64frombits(binary.BigEndian.Uint64(b[9:17]))
			m.Low = &low
		}
		if b[0]&mHasHigh != 0 {
			high := math.Float64frombits(binary.BigEndian.Uint64(b[17:25]))
			m.High = &high
		}
		if b[0]&mFailed != 0 {
			m.Result = tracegraph.ResultFail
		}
		out = append(out, m)
	}
	return out, nil
}

// indexed reports whether nodes with label l have index entries.
func indexed(l tracegraph.Label) bool {
	return l.IsMaterial() || l == tracegraph.LabelProcessStep || l == tracegraph.LabelTestRun
}

// timeKey encodes unix nanoseconds so that byte order is time order.
func timeKey(b []byte, nanos int64) []byte {
	return binary.BigEndian.AppendUint64(b, uint64(nanos)^1<<63)
}

// materialIxKey is p <prop> 0 <value> 0 <date code> 0 <id>.
func materialIxKey(prop, value, dateCode string, id tracegraph.ID) []byte {
	return appendMaterialIxKey(nil, prop, value, dateCode, id)
}

// appendMaterialIxKey appends materialIxKey(prop, value, dateCode, id) to k.
func appendMaterialIxKey(k []byte, prop, value, dateCode string, id tracegraph.ID) []byte {
	return appendStrKey(k, pMaterialIx, prop, value, dateCode, string(id))
}

// recordIxPrefix is s <field> 0 <value> 0.
func recordIxPrefix(field, value string) []byte { return appendRecordIxPrefix(nil, field, value) }

// appendRecordIxPrefix appends recordIxPrefix(field, value) to k.
func appendRecordIxPrefix(k []byte, field, value string) []byte {
	return appendStrKey(k, pRecordIx, field, value, "")
}

// indexEntries returns the index entries of node n (none for other labels),
// each in memory of its own.
func indexEntries(n *tracegraph.Node) []ixEntry {
	var out []ixEntry
	var w ixWriter
	w.each(n, func(k, v []byte) {
		out = append(out, ixEntry{k: bytes.Clone(k), v: bytes.Clone(v)})
	})
	return out
}

// ixWriter makes a node's index entries in buffers it keeps from node to
// node: the commit writes an entry for 1.6 keys of 10 an event, and making
// each key (and the measurements' map) in memory of its own was a third of
// persisting them (docs/bench-write.md, "Seventh pass").
type ixWriter struct {
	key []byte
	// names and vals: the measurements of one test record by name, names
	// in the order first seen, vals[i] the encoded measurements of
	// names[i] (appended to their own buffers, kept).
	names []string
	vals  [][]byte
}

// each calls f with each index entry of n (none for other labels), in the
// order indexEntries returns them. k and v are valid during the call only.
func (w *ixWriter) each(n *tracegraph.Node, f func(k, v []byte)) {
	switch {
	case n.Label.IsMaterial():
		dc := n.Str(propDateCode)
		for _, p := range materialIxProps {
			if v := n.Str(p); v != "" {
				w.key = appendMaterialIxKey(w.key[:0], p, v, dc, n.ID)
				f(w.key, nil)
			}
		}
		if dc != "" {
			w.key = appendStrKey(w.key[:0], pMaterialIx, propDateCode, dc, string(n.ID)) // p dateCode 0 <date code> 0 <id>
			f(w.key, nil)
		}
	case n.Label == tracegraph.LabelProcessStep || n.Label == tracegraph.LabelTestRun:
		at := n.Time("at")
		if at.IsZero() {
			return
		}
		nanos := at.UnixNano()
		add := func(field, v, name string, val []byte) {
			if v == "" {
				return
			}
			if name == "" {
				w.key = appendRecordIxPrefix(w.key[:0], field, v)
			} else { // the value is <test type> 0 <name>
				w.key = append(appendStrKey(w.key[:0], pRecordIx, field, v, name), separator)
			}
			w.key = append(timeKey(w.key, nanos), n.ID...)
			f(w.key, val)
		}
		if n.Label == tracegraph.LabelProcessStep {
			add(fStation, n.Str("station"), "", nil)
			add(fRecipe, n.Str("recipe"), "", nil)
			add(fStep, n.Str("step"), "", nil)
			return
		}
		tt := n.Str("testType")
		add(fTestType, tt, "", nil)
		fw, _ := n.Props["firmware"].(map[string]any)
		v, _ := fw["version"].(string)
		c, _ := fw["checksum"].(string)
		add(fFirmware, v, "", nil)
		add(fChecksum, c, "", nil)
		if tt == "" {
			return
		}
		ms, _ := n.Props["measurements"].([]any)
		w.names = w.names[:0]
		for _, x := range ms {
			m, _ := x.(map[string]any)
			name, _ := m["name"].(string)
			if name == "" {
				continue
			}
			i := slices.Index(w.names, name)
			var b []byte
			if i >= 0 {
				b = w.vals[i]
			} else if len(w.names) < len(w.vals) {
				b = w.vals[len(w.names)][:0]
			}
			b, ok := measureValue(b, m)
			if !ok {
				continue
			}
			if i < 0 {
				i = len(w.names)
				w.names = append(w.names, name)
				if i == len(w.vals) {
					w.vals = append(w.vals, nil)
				}
			}
			w.vals[i] = b
		}
		for i, name := range w.names {
			add(fMeasure, tt, name, w.vals[i])
		}
	}
}

// persistIndex writes the index entries of a node put by OpPutNode. A node
// that exists and is live keeps its entries: the properties they are made
// of are set once, when the node is created (the projection changes a
// component's status when it ships, never what it is), so rewriting them on
// every put would only slow ingest. existed says the node was known before
// this batch.
func (p *persister) persistIndex(n *tracegraph.Node, existed bool) error {
	if !indexed(n.Label) {
		return nil
	}
	_, pending := p.pending[n.ID]
	revived := p.voidedNow[n.ID]
	if existed && !pending && !revived {
		revived = p.wasVoided(n.ID)
	}
	if existed && !revived {
		return nil
	}
	delete(p.voidedNow, n.ID)
	p.ix.each(n, func(k, v []byte) { p.st.set(k, v) })
	return nil
}

// unindex deletes the entries of a node being voided (n is its record).
func (p *persister) unindex(n *tracegraph.Node) error {
	if !indexed(n.Label) {
		return nil
	}
	if p.voidedNow == nil {
		p.voidedNow = map[tracegraph.ID]bool{}
	}
	p.voidedNow[n.ID] = true
	p.ix.each(n, func(k, _ []byte) { p.st.delete(k) })
	return nil
}

// ensureIndexes rebuilds the p and s indexes of a store made before they
// existed, once: it reads every node record of an indexed label and writes
// its entries, then marks the store. A store that has them costs one read.
// An interrupted rebuild starts again at the next Open (entries are
// idempotent).
func (s *Store) ensureIndexes() error {
	if v, err := s.get([]byte(ixKey)); err == nil && len(v) == 1 && v[0] >= ixVersion {
		return nil
	} else if err != nil && err != errNotFound {
		return fmt.Errorf("read index version: %w", err)
	}
	start := time.Now()
	b := s.db.NewBatch()
	defer func() { b.Close() }()
	nodes, entries := 0, 0
	err := s.scan([]byte{pNode}, func(k, v []byte) error {
		id := tracegraph.ID(k[1:])
		if !indexed(id.Label()) {
			return nil
		}
		n, voided, err := decodeIndexed(id, v)
		if err != nil || voided {
			return err
		}
		nodes++
		for _, e := range indexEntries(n) {
			if err := b.Set(e.k, e.v, nil); err != nil {
				return err
			}
			entries++
		}
		if b.Len() >= 16<<20 {
			if err := b.Commit(pebble.NoSync); err != nil {
				return err
			}
			b.Close()
			b = s.db.NewBatch()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild indexes: %w", err)
	}
	if err := b.Set([]byte(ixKey), []byte{ixVersion}, nil); err != nil {
		return fmt.Errorf("rebuild indexes: %w", err)
	}
	sync := pebble.Sync
	if s.opts.Bulk {
		sync = pebble.NoSync // no WAL to sync; Close flushes
	}
	if err := b.Commit(sync); err != nil {
		return fmt.Errorf("rebuild indexes: %w", err)
	}
	if nodes > 0 && s.opts.Logger != nil {
		s.opts.Logger.Info("rebuilt the material and record indexes", "nodes", nodes, "entries", entries, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// ixRec is what the indexes read of a node record: decoding only these
// fields makes a rebuild several times faster than decodeNode.
type ixRec struct {
	Label  tracegraph.Label `json:"l"`
	Voided bool             `json:"x"`
	Props  struct {
		PartNumber      string `json:"partNumber"`
		MPN             string `json:"mpn"`
		Manufacturer    string `json:"manufacturer"`
		Supplier        string `json:"supplier"`
		CountryOfOrigin string `json:"countryOfOrigin"`
		DateCode        string `json:"dateCode"`
		At              string `json:"at"`
		Station         string `json:"station"`
		Recipe          string `json:"recipe"`
		Step            string `json:"step"`
		TestType        string `json:"testType"`
		Firmware        struct {
			Version  string `json:"version"`
			Checksum string `json:"checksum"`
		} `json:"firmware"`
		Measurements []struct {
			Name   string   `json:"name"`
			Value  *float64 `json:"value"`
			Low    *float64 `json:"low"`
			High   *float64 `json:"high"`
			Result string   `json:"result"`
		} `json:"measurements"`
	} `json:"p"`
}

// decodeIndexed decodes the indexed properties of a node record.
func decodeIndexed(id tracegraph.ID, b []byte) (*tracegraph.Node, bool, error) {
	if len(b) == 0 || b[0] != '{' {
		return decodeNode(id, b) // binary records decode fast whole
	}
	var r ixRec
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, false, fmt.Errorf("decode node %s: %w", id, err)
	}
	p := r.Props
	props := map[string]any{}
	for k, v := range map[string]string{"partNumber": p.PartNumber, "mpn": p.MPN, "manufacturer": p.Manufacturer,
		"supplier": p.Supplier, "countryOfOrigin": p.CountryOfOrigin, "dateCode": p.DateCode, "at": p.At,
		"station": p.Station, "recipe": p.Recipe, "step": p.Step, "testType": p.TestType} {
		if v != "" {
			props[k] = v
		}
	}
	if p.Firmware.Version != "" || p.Firmware.Checksum != "" {
		props["firmware"] = map[string]any{"version": p.Firmware.Version, "checksum": p.Firmware.Checksum}
	}
	if len(p.Measurements) > 0 {
		ms := make([]any, len(p.Measurements))
		for i, m := range p.Measurements {
			mm := map[string]any{"name": m.Name, "result": m.Result}
			for k, v := range map[string]*float64{"value": m.Value, "low": m.Low, "high": m.High} {
				if v != nil {
					mm[k] = *v
				}
			}
			ms[i] = mm
		}
		props["measurements"] = ms
	}
	return &tracegraph.Node{ID: id, Label: r.Label, Props: props}, r.Voided, nil
}

// ---- reading the indexes

// errStop ends a scan early without an error.
var errStop = errors.New("stop")

// scanRange calls f for every entry in [lo, hi), in order.
func (s *Store) scanRange(ctx context.Context, lo, hi []byte, f func(k, v []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	n := 0
	for it.First(); it.Valid(); it.Next() {
		if n++; n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				it.Close()
				return err
			}
		}
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return err
		}
		if err := f(it.Key(), v); err != nil {
			it.Close()
			if err == errStop {
				return nil
			}
			return err
		}
	}
	if err := it.Error(); err != nil {
		it.Close()
		return err
	}
	return it.Close()
}

// lastPart returns what follows the last separator of k.
func lastPart(k []byte) []byte {
	return k[bytes.LastIndexByte(k, separator)+1:]
}

// scanMaterial calls f with the ID of every material node that matches f
// according to the index: one range scan of the most selective property
// given (then its date-code range), reading node records only when the
// filter names more than one property. The IDs are in index order, not
// checked against the topology. f must not keep the ID past the call.
func (s *Store) scanMaterial(ctx context.Context, mf *tracegraph.MaterialFilter, fn func(id []byte) error) error {
	values := map[string]string{"partNumber": mf.PartNumber, "mpn": mf.MPN, "manufacturer": mf.Manufacturer,
		"supplier": mf.Supplier, "countryOfOrigin": mf.CountryOfOrigin}
	prop, set := "", 0
	for _, p := range []string{"mpn", "partNumber", "supplier", "manufacturer", "countryOfOrigin"} {
		if values[p] != "" {
			set++
			if prop == "" {
				prop = p
			}
		}
	}
	var base []byte
	if prop != "" {
		base = strKey(pMaterialIx, prop, values[prop], "")
	} else {
		base = strKey(pMaterialIx, propDateCode, "")
	}
	lo, hi := append([]byte(nil), base...), prefixEnd(base)
	if mf.DateCodeFrom != "" {
		lo = append(lo, mf.DateCodeFrom...)
	}
	if mf.DateCodeTo != "" {
		hi = append(append([]byte(nil), base...), mf.DateCodeTo...)
		hi = append(hi, separator+1)
	}
	return s.scanRange(ctx, lo, hi, func(k, _ []byte) error {
		rest := k[len(base):]
		j := bytes.IndexByte(rest, separator)
		if j < 0 {
			return fmt.Errorf("material index key %q is malformed", k)
		}
		if !mf.MatchDateCode(string(rest[:j])) {
			return nil
		}
		id := rest[j+1:]
		if set > 1 {
			n, err := s.getNode(tracegraph.ID(id))
			if err != nil {
				return err
			}
			if !mf.Match(n) {
				return nil
			}
		}
		return fn(id)
	})
}

// scanRecords calls fn with the ID of every record under s <field> 0
// <value> 0 recorded in [from, to) (zero bounds are open), in time order,
// and the entry's value (valid for the call only).
func (s *Store) scanRecords(ctx context.Context, field, value string, from, to time.Time, fn func(id, v []byte) error) error {
	base := recordIxPrefix(field, value)
	lo, hi := append([]byte(nil), base...), prefixEnd(base)
	if !from.IsZero() {
		lo = timeKey(lo, from.UnixNano())
	}
	if !to.IsZero() {
		hi = timeKey(append([]byte(nil), base...), to.UnixNano())
	}
	return s.scanRange(ctx, lo, hi, func(k, v []byte) error {
		if len(k) < len(base)+8 {
			return fmt.Errorf("record index key %q is malformed", k)
		}
		return fn(k[len(base)+8:], v)
	})
}
