package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// chunkReader gives body n bytes at a time (at least 1), then fails with
// fail when it is set, or ends.
type chunkReader struct {
	body []byte
	n    int
	fail error
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.body) == 0 {
		if r.fail != nil {
			return 0, r.fail
		}
		return 0, io.EOF
	}
	k := min(len(p), max(r.n, 1), len(r.body))
	copy(p, r.body[:k])
	r.body = r.body[k:]
	return k, nil
}

var errRead = errors.New("connection reset")

// readTrace reads an array body with read (readArray, or the reference:
// decodeArray over the whole body, as encoding/json alone read it) and
// spells out what fn saw and the error.
func readTrace(body []byte, chunk int, fail error, read func(*bufio.Reader, int, func([]byte, int) error) error) string {
	br := bufio.NewReaderSize(&chunkReader{body: body, n: chunk, fail: fail}, 16)
	first, skipped, err := firstByte(br)
	if err != nil || first != '[' {
		return "not an array"
	}
	var sb strings.Builder
	err = read(br, skipped, func(raw []byte, line int) error {
		fmt.Fprintf(&sb, "%d:%s\n", line, raw)
		if strings.Contains(string(raw), `"stop"`) {
			return errors.New("fn stopped")
		}
		return nil
	})
	fmt.Fprintf(&sb, "error: %v (read error: %v)", err, errors.Is(err, errRead))
	return sb.String()
}

func reference(r *bufio.Reader, skipped int, fn func([]byte, int) error) error {
	return decodeArray(r, skipped, 0, fn)
}

// TestReadArrayAsEncodingJSON: readArray hands fn the same events on the
// same lines, and ends with the same error, as encoding/json reading the
// whole array, whatever the body, however it arrives and wherever reading
// it fails.
func TestReadArrayAsEncodingJSON(t *testing.T) {
	bodies := []string{
		`[{"id":"a"},{"id":"b"}]`,
		"\n\n  [\n{\"id\":\"a\",\n\"type\":\"unit.created\"}\n,\n{}\n]\n",
		`[]`, ` [ ] `, `[`, `[{`, `[{"id":"a"}`, `[{"id":"a"},`, `[{"id":"a"},]`,
		`[{"id":"a"}{"id":"b"}]`, `[{"id":"a"}] trailing`, `[{"id":"a"}] {}`, `[{"id":"a"}]]`,
		`[{"id":"a"},1,"x",null,[[]]]`, `[1,{"id":"a"}]`, `[{"id":"a"},{"id":tru}]`,
		`[{"a":"}\"]{["},{"b":["}",{"c":"\\"}]}]`, `[{"a":[}]`, `[{"a":1}}]`,
		`[{"id":"a"},{"stop":1},{"id":"c"}]`, `[{"id":"a"},{"id":"b"},{"bad":}]`,
		"[{\"id\":\"a\"},\n\n{\"id\":\"b\",\n\"x\":\"\n\"}]", `[{"id":"a\u00e9"}, {"n":-1.5e3}]`,
		`[{"id":"` + strings.Repeat("x", 100) + `"},{"id":"b"}]`,
	}
	for _, body := range bodies {
		for _, chunk := range []int{1, 3, 7, 1000} {
			for _, fail := range []error{nil, errRead} {
				want := readTrace([]byte(body), chunk, fail, reference)
				got := readTrace([]byte(body), chunk, fail, readArray)
				if got != want {
					t.Errorf("%q (chunks of %d, then %v):\ngot  %s\nwant %s", body, chunk, fail, got, want)
				}
			}
		}
	}
	// elements larger than maxStandIn, then a malformed one: the prefix
	// readArray falls back with stands for them with several objects
	big := `{"a":"` + strings.Repeat("x", maxStandIn/2) + `"}`
	body := "[\n" + big + ",\n " + big + " , " + big + ",\n\n" + big + ",\n{\"b\":x}]"
	for _, fail := range []error{nil, errRead} {
		want := readTrace([]byte(body), 4096, fail, reference)
		got := readTrace([]byte(body), 4096, fail, readArray)
		if got != want {
			t.Errorf("large elements, then a malformed one:\ngot  %.300s\nwant %.300s", got[len(got)-300:], want[len(want)-300:])
		}
	}
}

// FuzzReadArray: as TestReadArrayAsEncodingJSON, for any body.
func FuzzReadArray(f *testing.F) {
	f.Add([]byte(`[{"id":"a"},{"id":"b"}]`), 3, false)
	f.Add([]byte("[\n{\"id\":\"a\"}\n,\n{}\n] x"), 1, true)
	f.Add([]byte(`[{"a":"}\"]"},1,{"b":[}]`), 5, false)
	f.Fuzz(func(t *testing.T, body []byte, chunk int, fails bool) {
		var fail error
		if fails {
			fail = errRead
		}
		chunk = chunk%64 + 1
		if chunk < 1 {
			chunk += 64
		}
		want := readTrace(body, chunk, fail, reference)
		got := readTrace(body, chunk, fail, readArray)
		if got != want {
			t.Fatalf("%q (chunks of %d, then %v):\ngot  %s\nwant %s", body, chunk, fail, got, want)
		}
	})
}
