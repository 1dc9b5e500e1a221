package tracegraph

import (
	"slices"
	"testing"
)

func TestCompareRefDes(t *testing.T) {
	for _, tt := range []struct{ in, want []string }{
		{[]string{"C10", "C2", "C1"}, []string{"C1", "C2", "C10"}},
		{[]string{"U10", "R2", "C33", "R10"}, []string{"C33", "R2", "R10", "U10"}},
		{[]string{"J1A", "J1", "TP", "J10"}, []string{"J1", "J1A", "J10", "TP"}},
	} {
		got := slices.Clone(tt.in)
		slices.SortFunc(got, compareRefDes)
		if !slices.Equal(got, tt.want) {
			t.Errorf("sorted %v = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLevelNames(t *testing.T) {
	for _, tt := range []struct {
		l         Level
		mat, proc string
	}{
		{LevelNone, "NONE", "NONE"}, {Level1, "M1", "P1"}, {Level4, "M4", "P4"}, {Level(9), "NONE", "NONE"},
	} {
		if got := tt.l.Material(); got != tt.mat {
			t.Errorf("Level(%d).Material() = %q, want %q", tt.l, got, tt.mat)
		}
		if got := tt.l.Process(); got != tt.proc {
			t.Errorf("Level(%d).Process() = %q, want %q", tt.l, got, tt.proc)
		}
	}
}
