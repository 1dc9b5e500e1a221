package server

import "testing"

// TestExpectedEvents: the guess is a body's size over a typical event's,
// never above the limit, and 0 when the size is not known.
func TestExpectedEvents(t *testing.T) {
	tests := []struct {
		size      int64
		max, want int
	}{
		{-1, 1000, 0},
		{0, 1000, 0},
		{10, 1000, 1},
		{13662, 1000, 54},
		{1 << 30, 1000, 1000},
	}
	for _, tt := range tests {
		if got := expectedEvents(tt.size, tt.max); got != tt.want {
			t.Errorf("expectedEvents(%d, %d) = %d, want %d", tt.size, tt.max, got, tt.want)
		}
	}
}
