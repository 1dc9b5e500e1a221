package tracegraph

// AppendMarshaledJSON appends the JSON text src as json.Marshal writes it
// when it is a json.RawMessage: whitespace between tokens dropped, <, > and
// & escaped as \u003c, \u003e and \u0026, and U+2028 and U+2029 as \u2028
// and \u2029. It does not validate src: for well-formed JSON the result is
// json.Marshal's, byte for byte, in one pass without encoding/json's scanner.
func AppendMarshaledJSON(dst, src []byte) []byte {
	var st rawScan
	start := 0
	for {
		i, n, repl := st.nextRewrite(src, start)
		if i < 0 {
			return append(dst, src[start:]...)
		}
		dst = append(append(dst, src[start:i]...), repl...)
		start = i + n
	}
}

// marshalsUnchanged reports whether json.Marshal writes the JSON text b (a
// json.RawMessage) as it is.
func marshalsUnchanged(b []byte) bool {
	var st rawScan
	i, _, _ := st.nextRewrite(b, 0)
	return i < 0
}

// rawScan is where a scan of a JSON text stands: inside a string or not,
// just after a backslash in one or not.
type rawScan struct{ inString, escaped bool }

// nextRewrite finds, from from on, the first n bytes at i that json.Marshal
// writes as repl (whitespace between tokens as nothing); i is -1 when there
// are none left.
func (st *rawScan) nextRewrite(src []byte, from int) (i, n int, repl string) {
	const hex = "0123456789abcdef"
	for i := from; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			return i, 1, `\u00` + hex[c>>4:c>>4+1] + hex[c&0xF:c&0xF+1]
		case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
			return i, 3, `\u202` + hex[src[i+2]&0xF:src[i+2]&0xF+1]
		case st.inString:
			switch {
			case st.escaped:
				st.escaped = false
			case c == '\\':
				st.escaped = true
			case c == '"':
				st.inString = false
			}
		case c == '"':
			st.inString = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return i, 1, ""
		}
	}
	return -1, 0, ""
}
