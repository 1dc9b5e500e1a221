package tracegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// checkJSONText refuses what encoding/json would silently rewrite in b, a
// well-formed JSON value: a string that is not valid UTF-8 or escapes a lone
// UTF-16 surrogate (decoded as U+FFFD, so that two different ids would
// become one), and an object that repeats a key (of which the decoder keeps
// the last). The error names the JSON path of the value, under prefix.
// Call it on input the decoder accepted: on malformed JSON it stops early
// and reports nothing.
func checkJSONText(b []byte, prefix string) *Error { return checkJSONTextOf(b, prefix, nil) }

// checkJSONTextOf is checkJSONText for a value that decodes into t, which
// also refuses a key that names a field of a struct in another case:
// encoding/json matches names case-insensitively, so that "SERIAL" would
// be read as serial and {"serial": "A", "Serial": "B"} as B, which the
// contract (docs/events.md, the JSON Schema) does not allow. nil checks no
// names.
func checkJSONTextOf(b []byte, prefix string, t reflect.Type) *Error {
	s := jsonScan{b: b, prefix: prefix, path: make([]pathSeg, 0, 8)}
	return s.value(t)
}

// jsonScan walks a JSON text. Every step consumes input or ends the walk.
// The path of the value being read is kept as a stack and spelled out only
// for an error.
type jsonScan struct {
	b      []byte
	i      int
	prefix string
	path   []pathSeg
}

// pathSeg is an object key or, when key is nil, an array index.
type pathSeg struct {
	key []byte
	idx int
}

// field spells out the path of the value being read: data.items[1].
func (s *jsonScan) field() string {
	var sb strings.Builder
	sb.WriteString(s.prefix)
	for _, p := range s.path {
		if p.key == nil {
			fmt.Fprintf(&sb, "[%d]", p.idx)
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.Write(p.key)
	}
	return orValue(sb.String())
}

func (s *jsonScan) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\r' || s.b[s.i] == '\n') {
		s.i++
	}
}

// value reads a value that decodes into t (nil: not checked).
func (s *jsonScan) value(t reflect.Type) *Error {
	s.space()
	if s.i >= len(s.b) {
		return nil
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch s.b[s.i] {
	case '{':
		return s.object(t)
	case '[':
		return s.array(t)
	case '"':
		_, err := s.str()
		return err
	}
	// A number, true, false or null.
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', ']', '}', ' ', '\t', '\r', '\n':
			return nil
		}
		s.i++
	}
	return nil
}

func (s *jsonScan) object(t reflect.Type) *Error {
	s.i++ // {
	var keys keySet
	var fields map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = structFields(t)
	}
	for {
		s.space()
		if s.i >= len(s.b) {
			return nil
		}
		switch s.b[s.i] {
		case '}':
			s.i++
			return nil
		case ',':
			s.i++
			continue
		case '"':
		default:
			s.i = len(s.b) // malformed: the decoder reports it
			return nil
		}
		k, err := s.str()
		if err != nil {
			return err
		}
		s.path = append(s.path, pathSeg{key: k})
		if keys.seen(k) {
			f := s.field()
			return Errorf(CodeInvalid, f, "%s is given twice: a JSON object may not repeat a key", f)
		}
		var vt reflect.Type
		switch {
		case fields != nil:
			var ok bool
			if vt, ok = fields[string(k)]; !ok {
				if name := foldedName(fields, k); name != "" {
					f := s.field()
					return Errorf(CodeInvalid, f, "%s: field names are case-sensitive: write %q", f, name)
				}
			}
		case t != nil && t.Kind() == reflect.Map:
			vt = t.Elem()
		}
		s.space()
		if s.i < len(s.b) && s.b[s.i] == ':' {
			s.i++
		}
		if err := s.value(vt); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
	}
}

func (s *jsonScan) array(t reflect.Type) *Error {
	s.i++ // [
	var et reflect.Type
	if t != nil && t.Kind() == reflect.Slice {
		et = t.Elem()
	}
	s.path = append(s.path, pathSeg{})
	for n := 0; ; {
		s.space()
		if s.i >= len(s.b) {
			return nil
		}
		switch s.b[s.i] {
		case ']':
			s.i++
			s.path = s.path[:len(s.path)-1]
			return nil
		case ',':
			s.i++
			n++
			continue
		}
		start := s.i
		s.path[len(s.path)-1].idx = n
		if err := s.value(et); err != nil {
			return err
		}
		if s.i == start {
			s.i = len(s.b) // malformed: the decoder reports it
		}
	}
}

// keySet is the keys of an object: a short list kept in place, a map
// beyond.
type keySet struct {
	list [16][]byte
	n    int
	m    map[string]bool
}

// seen reports whether k is in the set, and adds it.
func (ks *keySet) seen(k []byte) bool {
	if ks.m != nil {
		if ks.m[string(k)] {
			return true
		}
		ks.m[string(k)] = true
		return false
	}
	for _, o := range ks.list[:ks.n] {
		if bytes.Equal(o, k) {
			return true
		}
	}
	if ks.n < len(ks.list) {
		ks.list[ks.n] = k
		ks.n++
		return false
	}
	ks.m = make(map[string]bool, 2*len(ks.list))
	for _, o := range ks.list {
		ks.m[string(o)] = true
	}
	ks.m[string(k)] = true
	return false
}

// str reads the string at s.i (a '"') and returns its value (its raw bytes
// when it has no escapes).
func (s *jsonScan) str() ([]byte, *Error) {
	start := s.i
	s.i++
	escaped := false
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '"' {
			break
		}
		if c == '\\' {
			escaped = true
			if s.i+1 < len(s.b) && s.b[s.i+1] == 'u' && !s.surrogateOK() {
				f := s.field()
				return nil, Errorf(CodeInvalid, f, "%s escapes a lone UTF-16 surrogate (%s): text must be valid Unicode", f, s.b[s.i:min(s.i+6, len(s.b))])
			}
			s.i += 2
			continue
		}
		s.i++
	}
	if s.i >= len(s.b) {
		return []byte{}, nil
	}
	raw := s.b[start+1 : s.i]
	s.i++ // "
	if !utf8.Valid(raw) {
		f := s.field()
		return nil, Errorf(CodeInvalid, f, "%s is not valid UTF-8: text must be UTF-8", f)
	}
	if !escaped {
		return raw, nil
	}
	var v string
	if json.Unmarshal(s.b[start:s.i], &v) != nil {
		return []byte{}, nil
	}
	return []byte(v), nil
}

// surrogateOK reports whether the \u escape at s.i is not a surrogate, or a
// high surrogate followed by an escaped low one (which it then consumes).
func (s *jsonScan) surrogateOK() bool {
	r, ok := s.hex4(s.i + 2)
	switch {
	case !ok || r < 0xD800 || r > 0xDFFF:
		return true
	case r >= 0xDC00:
		return false
	}
	if s.i+7 >= len(s.b) || s.b[s.i+6] != '\\' || s.b[s.i+7] != 'u' {
		return false
	}
	lo, ok := s.hex4(s.i + 8)
	if !ok || lo < 0xDC00 || lo > 0xDFFF {
		return false
	}
	s.i += 6
	return true
}

func (s *jsonScan) hex4(at int) (rune, bool) {
	if at+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
