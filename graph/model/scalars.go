package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
)

// MarshalDateTime writes t as an RFC 3339 string in UTC.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		b := make([]byte, 0, 40)
		b = append(b, '"')
		b = t.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
		_, _ = w.Write(b)
	})
}

// UnmarshalDateTime reads an RFC 3339 string. Anything else is INVALID.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, tracegraph.Errorf(tracegraph.CodeInvalid, "", "a DateTime must be an RFC 3339 string (e.g. 2026-03-01T08:00:00Z), not %v", v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, tracegraph.Errorf(tracegraph.CodeInvalid, "", "%q is not an RFC 3339 date and time (e.g. 2026-03-01T08:00:00Z)", s)
	}
	return t.UTC(), nil
}

// MarshalJSON writes any JSON value; a json.RawMessage is written as is.
func MarshalJSON(v any) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if raw, ok := v.(json.RawMessage); ok && len(raw) > 0 {
			_, _ = w.Write(raw)
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			// Props hold only JSON values; this cannot happen for them.
			_, _ = io.WriteString(w, strconv.Quote(fmt.Sprintf("unencodable value: %v", err)))
			return
		}
		_, _ = w.Write(b)
	})
}

// UnmarshalJSON accepts any JSON value.
func UnmarshalJSON(v any) (any, error) { return v, nil }
