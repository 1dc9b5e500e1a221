package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadAllIsIOReadAll: the GraphQL transport's body reader gives what
// io.ReadAll gives (bytes and error), into a buffer of any capacity, for
// readers that return little at a time, fail midway or hit the body limit.
func TestReadAllIsIOReadAll(t *testing.T) {
	big := strings.Repeat(`{"query":"{ __typename }"}`, 3000)
	boom := errors.New("boom")
	tests := []struct {
		name string
		r    func() io.Reader
	}{
		{"empty", func() io.Reader { return strings.NewReader("") }},
		{"small", func() io.Reader { return strings.NewReader(`{"query":"{ x }"}`) }},
		{"larger than the buffer", func() io.Reader { return strings.NewReader(big) }},
		{"a byte at a time", func() io.Reader { return iotest.OneByteReader(strings.NewReader(big[:3000])) }},
		{"data with EOF", func() io.Reader { return iotest.DataErrReader(strings.NewReader(big[:700])) }},
		{"an error midway", func() io.Reader { return io.MultiReader(strings.NewReader(big[:900]), iotest.ErrReader(boom)) }},
		{"over the body limit", func() io.Reader {
			return http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(strings.NewReader(big)), 5000)
		}},
	}
	for _, tt := range tests {
		for _, c := range []int{0, 1, 512, 32 << 10} {
			want, wantErr := io.ReadAll(tt.r())
			got, gotErr := readAll(tt.r(), make([]byte, 0, c))
			if !bytes.Equal(got, want) || (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
				t.Errorf("%s, capacity %d: %d bytes, %v; io.ReadAll %d bytes, %v", tt.name, c, len(got), gotErr, len(want), wantErr)
			}
			var mbe *http.MaxBytesError
			if errors.As(gotErr, &mbe) != errors.As(wantErr, &mbe) {
				t.Errorf("%s: the body limit's error is not kept: %v", tt.name, gotErr)
			}
		}
	}
}
