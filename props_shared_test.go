package tracegraph

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestSharedStrings checks what a sharedStrings keeps: each text as a copy
// of its own, boxed once (a text seen before costs no allocation), none
// longer than maxSharedLen, every text given back as itself whatever
// replaced what in the table, and that a nil one boxes every text anew.
func TestSharedStrings(t *testing.T) {
	var none *sharedStrings
	if v := none.box("a"); v != "a" {
		t.Fatalf("nil box: %v", v)
	}
	st := &sharedStrings{}
	data := `{"station":"SMT-01"}`
	s := data[12:18] // part of a larger text
	if v := st.box(s); v != "SMT-01" {
		t.Fatalf("box: %v", v)
	}
	kept := func(s string) (own bool, n int) {
		for _, e := range st.slots {
			if e.v != nil {
				n++
				if e.s == s {
					own = unsafe.StringData(e.s) != unsafe.StringData(s)
				}
			}
		}
		return own, n
	}
	if own, n := kept(s); !own || n != 1 {
		t.Fatalf("kept %d texts, the text its own copy: %v", n, own)
	}
	if n := testing.AllocsPerRun(100, func() { _ = st.box(s) }); n != 0 {
		t.Fatalf("boxing a kept text allocates %v times", n)
	}
	long := strings.Repeat("x", maxSharedLen+1)
	if v := st.box(long); v != long {
		t.Fatalf("long text: %v", v)
	}
	if _, n := kept(long); n != 1 {
		t.Fatalf("long text kept: %d texts", n)
	}
	for round := range 2 {
		for i := range 2 * sharedSlots {
			k := "serial-" + strconv.Itoa(i)
			if v := st.box(k); v != k {
				t.Fatalf("round %d: box(%q) = %v", round, k, v)
			}
		}
	}
	if v := st.box(""); v != "" {
		t.Fatalf("box(\"\") = %#v", v)
	}
	m := map[string]any{}
	st.set(m, "a", "")
	st.set(m, "b", "x")
	if _, ok := m["a"]; ok || m["b"] != "x" || len(m) != 1 {
		t.Fatalf("set: %v", m)
	}
	if l := st.list([]string{"R1", "R1", "C2"}); len(l) != 3 || l[0] != "R1" || l[1] != "R1" || l[2] != "C2" {
		t.Fatalf("list: %v", l)
	}
}

// TestSharedLists checks that list gives each list of texts its own list,
// however the texts split (the key is unambiguous), the same one again for
// the same texts, and a fresh one when not shared.
func TestSharedLists(t *testing.T) {
	st := &sharedStrings{}
	lists := [][]string{{"a"}, {"ab"}, {"a", "b"}, {"", "ab"}, {"ab", ""}, {"a\x00b"}, {"a", "\x00b"}, {"\x01a"}, {"", ""}, {""}}
	for round := range 2 {
		for _, ss := range lists {
			l := st.list(ss)
			if len(l) != len(ss) {
				t.Fatalf("round %d: list(%q) = %v", round, ss, l)
			}
			for i := range ss {
				if l[i] != ss[i] {
					t.Fatalf("round %d: list(%q) = %v", round, ss, l)
				}
			}
			if again := st.list(ss); &again[0] != &l[0] {
				t.Fatalf("list(%q) made again", ss)
			}
		}
	}
	if len(st.lists) != len(lists) {
		t.Fatalf("%d lists kept for %d", len(st.lists), len(lists))
	}
	var none *sharedStrings
	if a, b := none.list([]string{"x"}), none.list([]string{"x"}); &a[0] == &b[0] || a[0] != "x" {
		t.Fatal("nil list shares its lists")
	}
}

// TestNum checks that num boxes every number as itself (-0 stays -0).
func TestNum(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, 2.5, 255, 256, -1, 1e300, math.Inf(1), math.NaN(), 0.1, 254.9999} {
		v, ok := num(f).(float64)
		if !ok || math.Float64bits(v) != math.Float64bits(f) {
			t.Errorf("num(%v) = %#v", f, num(f))
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = num(float64(len(smallInts) - 1)) }); n != 0 {
		t.Errorf("num(255) allocates %v times", n)
	}
}
