package embedded

import "testing"

// checkContainsHot checks s's t.chot against the edge arrays and the
// CSR: for each CONTAINS edge of the CSR its target and its meta byte as
// they are now, maxFrom the latest validFrom among them, every CONTAINS
// edge created before the rebuild in the CSR. It returns how many edges
// it checked.
func checkContainsHot(t *testing.T, s *Store) int {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	tp, h := s.t, &s.t.chot
	if len(h.dst) != len(tp.cout.list) || len(h.meta) != len(tp.cout.list) {
		t.Fatalf("chot: %d targets and %d meta bytes for %d CSR edges", len(h.dst), len(h.meta), len(tp.cout.list))
	}
	inCSR := 0
	for e := range h.edges {
		if tp.emeta[e]&emTypeMask == containsCode {
			inCSR++
		}
	}
	if inCSR != len(tp.cout.list) {
		t.Fatalf("chot: %d CONTAINS edges before the rebuild, %d in the CSR", inCSR, len(tp.cout.list))
	}
	var latest int64
	for v := 0; v+1 < len(tp.cout.off); v++ {
		for k := tp.cout.off[v]; k < tp.cout.off[v+1]; k++ {
			e := tp.cout.list[k]
			if r := tp.er[e]; int(r.src) != v || h.dst[k] != r.dst || h.meta[k] != tp.emeta[e] {
				t.Fatalf("chot[%d] (edge %d, %d→%d, meta %#x): target %d, meta %#x", k, e, r.src, r.dst, tp.emeta[e], h.dst[k], h.meta[k])
			}
			if k == 0 || tp.er[e].from > latest {
				latest = tp.er[e].from
			}
		}
	}
	if len(h.dst) > 0 && latest != h.maxFrom {
		t.Fatalf("chot: maxFrom %d, the latest validFrom %d", h.maxFrom, latest)
	}
	return len(h.dst)
}
