package resolvers

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// Page sizes of the lists the resolvers page in memory (trace nodes, recall units).
const (
	defaultTracePage = 1000
	defaultListPage  = tracegraph.DefaultPageSize
)

// offsetCursor encodes a position in an in-memory list.
func offsetCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(i)))
}

// offsetCursors returns offsetCursor(i) for i in [lo, hi), cut from one
// string: one allocation for a page of cursors instead of one or more each.
func offsetCursors(lo, hi int) []string {
	out := make([]string, hi-lo)
	var text, raw []byte
	ends := make([]int, hi-lo)
	for i := lo; i < hi; i++ {
		raw = strconv.AppendInt(append(raw[:0], "o:"...), int64(i), 10)
		text = base64.RawURLEncoding.AppendEncode(text, raw)
		ends[i-lo] = len(text)
	}
	all, start := string(text), 0
	for i, end := range ends {
		out[i], start = all[start:end], end
	}
	return out
}

// window returns the half-open range [lo, hi) of a list of n items that first
// and after select, with first defaulting to def and bounded by MaxPageSize.
func window(n int, first *int, after *string, def int) (lo, hi int, err error) {
	size := def
	if first != nil {
		if err := checkFirst(*first); err != nil {
			return 0, 0, err
		}
		size = *first
	}
	if after != nil && *after != "" {
		b, derr := base64.RawURLEncoding.DecodeString(*after)
		s, ok := strings.CutPrefix(string(b), "o:")
		i, aerr := strconv.Atoi(s)
		if derr != nil || !ok || aerr != nil || i < 0 {
			return 0, 0, tracegraph.Errorf(tracegraph.CodeInvalid, "after", "after %q is not a cursor of this list", *after)
		}
		lo = i + 1
	}
	lo = min(lo, n)
	hi = min(lo+size, n)
	return lo, hi, nil
}

// checkFirst refuses a page size that is not positive (INVALID) or above
// tracegraph.MaxPageSize (LIMIT).
func checkFirst(first int) error {
	switch {
	case first <= 0:
		return tracegraph.Errorf(tracegraph.CodeInvalid, "first", "first must be positive")
	case first > tracegraph.MaxPageSize:
		return tracegraph.Errorf(tracegraph.CodeLimit, "first", "first %d is above the maximum page size %d", first, tracegraph.MaxPageSize)
	}
	return nil
}

func pageInfo(lo, hi, n int, cursor func(int) string) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: hi < n, HasPreviousPage: lo > 0}
	if hi > lo {
		s, e := cursor(lo), cursor(hi-1)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// pageOf is the store page first and after ask for (first checked as
// checkFirst does; the store checks the cursor).
func pageOf(first *int, after *string) (tracegraph.Page, error) {
	page := tracegraph.Page{After: deref(after)}
	if first != nil {
		if err := checkFirst(*first); err != nil {
			return page, err
		}
		page.First = *first
	}
	return page, nil
}
