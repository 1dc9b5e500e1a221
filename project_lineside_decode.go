package tracegraph

import "time"

// The line side's property texts (setups, activations, feeders) are decoded
// for every feeder event and for every batch's first placement at a
// station. decodeLineSide reads them here without reflection when they are
// plainly what json.Unmarshal decodes, as jsonText writes them (the fields'
// own names, each once; strings free of escapes and control characters, in
// valid UTF-8; no null; nothing after the value), and with json.Unmarshal
// (fromProp) otherwise: the answer is json.Unmarshal's either way
// (TestLineSideTextsDecodeAsJSON holds them to that).

// decodeProp decodes the node's property k into v: a plain text with fast,
// anything else as fromProp does.
func decodeProp[T any](n *Node, k string, v *T, fast func(string) (T, bool)) error {
	if text, ok := n.Props[k].(string); ok {
		if x, ok := fast(text); ok {
			*v = x
			return nil
		}
	}
	return fromProp(n, k, v)
}

// fastSetups decodes the setups text, {setup: id of its setup.defined}.
func fastSetups(text string) (map[string]string, bool) {
	s := fastScan{b: []byte(text)}
	out := map[string]string{}
	ok := s.object(func(k []byte) bool {
		var v string
		if !s.str(&v) {
			return false
		}
		out[string(k)] = v
		return true
	})
	return out, ok && s.end()
}

// fastActivations decodes the activations text, [{setup, def, from, event}].
func fastActivations(text string) ([]activation, bool) {
	s := fastScan{b: []byte(text)}
	out := []activation{}
	ok := s.array(func() bool {
		var a activation
		ok := s.object(func(k []byte) bool {
			switch string(k) {
			case "setup":
				return s.str(&a.Setup)
			case "def":
				return s.str(&a.Def)
			case "from":
				return s.time(&a.From)
			case "event":
				return s.str(&a.Event)
			}
			return false
		})
		out = append(out, a)
		return ok
	})
	return out, ok && s.end()
}

// fastFeeders decodes the feeders text, {slot: {reels: [reel], since}}.
func fastFeeders(text string) (map[string]*feeder, bool) {
	s := fastScan{b: []byte(text)}
	out := map[string]*feeder{}
	ok := s.object(func(slot []byte) bool {
		f := new(feeder)
		out[string(slot)] = f
		return s.object(func(k []byte) bool {
			switch string(k) {
			case "reels":
				f.Reels = []reel{}
				return s.array(func() bool {
					var r reel
					ok := s.reel(&r)
					f.Reels = append(f.Reels, r)
					return ok
				})
			case "since":
				return s.time(&f.Since)
			}
			return false
		})
	})
	return out, ok && s.end()
}

func (s *fastScan) reel(r *reel) bool {
	return s.object(func(k []byte) bool {
		switch string(k) {
		case "lot":
			var lot string
			ok := s.str(&lot)
			r.Lot = ID(lot)
			return ok
		case "load":
			return s.str(&r.Load)
		case "from":
			return s.time(&r.From)
		case "to":
			return s.time(&r.To)
		case "closedBy":
			return s.str(&r.ClosedBy)
		case "spliced":
			return s.boolean(&r.Spliced)
		}
		return false
	})
}

// time reads a plain string as encoding/json decodes it into a time.Time:
// with its UnmarshalJSON, quotes included.
func (s *fastScan) time(t *time.Time) bool {
	s.space()
	start := s.i
	if _, ok := s.rawText(); !ok {
		return false
	}
	return t.UnmarshalJSON(s.b[start:s.i]) == nil
}

// boolean reads true or false.
func (s *fastScan) boolean(b *bool) bool {
	s.space()
	switch {
	case s.word("true"):
		*b = true
	case s.word("false"):
		*b = false
	default:
		return false
	}
	return s.delimited()
}
