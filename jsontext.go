package tracegraph

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// checkJSONText refuses what encoding/json would silently rewrite in b, a
// well-formed JSON value: a string that is not valid UTF-8 or escapes a lone
// UTF-16 surrogate (decoded as U+FFFD, so that two different ids would
// become one), and an object that repeats a key (of which the decoder keeps
// the last). The error names the JSON path of the value, under prefix.
// Call it on input the decoder accepted: on malformed JSON it stops early
// and reports nothing.
func checkJSONText(b []byte, prefix string) *Error {
	s := jsonScan{b: b}
	return s.value(prefix)
}

// jsonScan walks a JSON text. Every step consumes input or ends the walk.
type jsonScan struct {
	b []byte
	i int
}

func (s *jsonScan) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\r' || s.b[s.i] == '\n') {
		s.i++
	}
}

func (s *jsonScan) value(path string) *Error {
	s.space()
	if s.i >= len(s.b) {
		return nil
	}
	switch s.b[s.i] {
	case '{':
		return s.object(path)
	case '[':
		return s.array(path)
	case '"':
		_, err := s.str(path)
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

func (s *jsonScan) object(path string) *Error {
	s.i++ // {
	var seen map[string]bool
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
		k, err := s.str(path)
		if err != nil {
			return err
		}
		field := k
		if path != "" {
			field = path + "." + k
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		if seen[k] {
			return Errorf(CodeInvalid, field, "%s is given twice: a JSON object may not repeat a key", field)
		}
		seen[k] = true
		s.space()
		if s.i < len(s.b) && s.b[s.i] == ':' {
			s.i++
		}
		if err := s.value(field); err != nil {
			return err
		}
	}
}

func (s *jsonScan) array(path string) *Error {
	s.i++ // [
	for n := 0; ; {
		s.space()
		if s.i >= len(s.b) {
			return nil
		}
		switch s.b[s.i] {
		case ']':
			s.i++
			return nil
		case ',':
			s.i++
			n++
			continue
		}
		start := s.i
		if err := s.value(fmt.Sprintf("%s[%d]", path, n)); err != nil {
			return err
		}
		if s.i == start {
			s.i = len(s.b) // malformed: the decoder reports it
		}
	}
}

// str reads the string at s.i (a '"') and returns its value.
func (s *jsonScan) str(path string) (string, *Error) {
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
				return "", Errorf(CodeInvalid, orValue(path), "%s escapes a lone UTF-16 surrogate (%s): text must be valid Unicode", orValue(path), s.b[s.i:min(s.i+6, len(s.b))])
			}
			s.i += 2
			continue
		}
		s.i++
	}
	if s.i >= len(s.b) {
		return "", nil
	}
	raw := s.b[start+1 : s.i]
	s.i++ // "
	if !utf8.Valid(raw) {
		return "", Errorf(CodeInvalid, orValue(path), "%s is not valid UTF-8: text must be UTF-8", orValue(path))
	}
	if !escaped {
		return string(raw), nil
	}
	var v string
	if json.Unmarshal(s.b[start:s.i], &v) != nil {
		return "", nil
	}
	return v, nil
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
