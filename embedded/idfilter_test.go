package embedded

import (
	"fmt"
	"testing"
)

// TestIDFilter: every id added is "maybe" (across segments that grew), and
// few others are.
func TestIDFilter(t *testing.T) {
	for _, n := range []int{0, 1, idFilterFirstCap, idFilterFirstCap + 1, 5 * idFilterFirstCap} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			f := newIDFilter()
			for i := range n {
				f.add(fmt.Sprintf("ev-%d", i))
			}
			for i := range n {
				if id := fmt.Sprintf("ev-%d", i); !f.mayHave(id) {
					t.Fatalf("%s was added but is not in the filter", id)
				}
			}
			const others = 100_000
			fp := 0
			for i := range others {
				if f.mayHave(fmt.Sprintf("other-%d", i)) {
					fp++
				}
			}
			if n == 0 && fp > 0 || float64(fp)/others > 0.03 {
				t.Fatalf("%d of %d ids never added are in the filter", fp, others)
			}
		})
	}
}
