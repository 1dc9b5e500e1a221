package embedded

import (
	"testing"
)

// TestAdviseKeepsContents checks that asking for huge pages (and moving
// what is in memory into them) leaves every byte of an array as it was,
// whatever its size and alignment, and that marks over advised words start
// clear and keep what is set.
func TestAdviseKeepsContents(t *testing.T) {
	for _, tt := range []struct {
		name        string
		words, skip int
	}{
		{"small: left alone", 1 << 10, 0},
		{"large", hugeMin/4 + 12345, 0},
		{"large, not page aligned", hugeMin/2 + 777, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			all := make([]uint32, tt.words+tt.skip)
			v := all[tt.skip:]
			for k := range v {
				v[k] = uint32(k)*2654435761 + 1
			}
			advise(v)
			for k := range v {
				if v[k] != uint32(k)*2654435761+1 {
					t.Fatalf("word %d is %d after advise, was %d", k, v[k], uint32(k)*2654435761+1)
				}
			}
			m := newMarks(tt.words)
			if m.Cap() != tt.words {
				t.Fatalf("marks hold %d handles, want %d", m.Cap(), tt.words)
			}
			for k := 0; k < tt.words; k += 4093 {
				if m.Get(uint32(k)) != 0 {
					t.Fatalf("new marks hold %d at %d", m.Get(uint32(k)), k)
				}
				m.Set(uint32(k), uint32(k)+1)
			}
			for k := 0; k < tt.words; k += 4093 {
				if m.Get(uint32(k)) != uint32(k)+1 {
					t.Fatalf("mark %d is %d, want %d", k, m.Get(uint32(k)), k+1)
				}
			}
		})
	}
}
