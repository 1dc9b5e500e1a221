package tracegraph

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestSharedStrings checks what a sharedStrings keeps: each text once, as
// a copy of its own, boxed once (a text seen before costs no allocation),
// never more than maxSharedStrings texts, none longer than maxSharedLen,
// and that a nil one boxes every text anew.
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
	for k := range st.m {
		if unsafe.StringData(k) == unsafe.StringData(s) {
			t.Fatal("the kept text is the caller's: it keeps the larger text alive")
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = st.box(s) }); n != 0 {
		t.Fatalf("boxing a kept text allocates %v times", n)
	}
	long := strings.Repeat("x", maxSharedLen+1)
	if v := st.box(long); v != long || len(st.m) != 1 {
		t.Fatalf("long text: %v, %d kept", v, len(st.m))
	}
	for i := range maxSharedStrings + 10 {
		k := "serial-" + strconv.Itoa(i)
		if v := st.box(k); v != k {
			t.Fatalf("box(%q) = %v", k, v)
		}
		if len(st.m) > maxSharedStrings {
			t.Fatalf("%d texts kept, bound %d", len(st.m), maxSharedStrings)
		}
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
