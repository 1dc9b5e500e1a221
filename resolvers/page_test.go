package resolvers

import "testing"

// TestOffsetCursors: the cursors of a page cut from one string are those
// offsetCursor encodes one by one.
func TestOffsetCursors(t *testing.T) {
	for _, tt := range []struct{ lo, hi int }{{0, 0}, {0, 1}, {0, 142}, {7, 8}, {95, 1105}, {999_990, 1_000_010}} {
		got := offsetCursors(tt.lo, tt.hi)
		if len(got) != tt.hi-tt.lo {
			t.Fatalf("[%d, %d): %d cursors", tt.lo, tt.hi, len(got))
		}
		for i, c := range got {
			if want := offsetCursor(tt.lo + i); c != want {
				t.Fatalf("[%d, %d): cursor %d is %q, want %q", tt.lo, tt.hi, tt.lo+i, c, want)
			}
		}
	}
}
